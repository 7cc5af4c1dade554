import type { UserConfig } from 'vitest/config';
export function definePackageTests(options?: { testTimeout?: number; setupFiles?: string[] }): UserConfig;
