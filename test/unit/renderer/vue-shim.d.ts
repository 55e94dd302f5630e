// `.vue` imports for plain tsc (the test project); vitest compiles the real SFCs with plugin-vue.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
