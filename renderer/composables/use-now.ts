// One shared ticking clock for live countdowns and "N min" durations: a single interval for
// the whole window, running only while some component is mounted that reads it.
import { onBeforeUnmount, onMounted, shallowRef } from 'vue';
import type { Ref } from 'vue';

const now = shallowRef(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

export function useNow(): Readonly<Ref<number>> {
  // Fresh for the first render: the shared clock may have been idle since the last unmount.
  now.value = Date.now();
  onMounted(() => {
    users += 1;
    timer ??= setInterval(() => {
      now.value = Date.now();
    }, 1_000);
  });
  onBeforeUnmount(() => {
    users -= 1;
    if (users === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  });
  return now;
}
