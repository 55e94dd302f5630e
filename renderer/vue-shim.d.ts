// Lets plain `tsc` (the test project, `tsc -b`) accept `.vue` imports; vue-tsc reads the real SFCs.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
