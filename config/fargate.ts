/** Fargate task sizes: which memory sizes (MiB) AWS accepts for each CPU size (CPU units, 1024 = 1 vCPU). */

const RANGES: Readonly<Record<number, { min: number; max: number; step: number }>> = {
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};
const SMALLEST = { cpu: 256, memory: [512, 1024, 2048] };

export const FARGATE_CPU_SIZES: readonly number[] = [SMALLEST.cpu, ...Object.keys(RANGES).map(Number)];

/** Why a CPU/memory pair is not a Fargate task size, or undefined when it is one. */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
  if (cpu === SMALLEST.cpu) {
    return SMALLEST.memory.includes(memory)
      ? undefined
      : `expected memory for 256 CPU units of ${SMALLEST.memory.join(", ")} MiB, got ${memory}`;
  }
  const range = RANGES[cpu];
  if (!range) return `expected a Fargate CPU size (${FARGATE_CPU_SIZES.join(", ")}), got ${cpu}`;
  if (memory < range.min || memory > range.max || (memory - range.min) % range.step !== 0) {
    return `expected memory for ${cpu} CPU units between ${range.min} and ${range.max} MiB in steps of ${range.step}, got ${memory}`;
  }
  return undefined;
}
