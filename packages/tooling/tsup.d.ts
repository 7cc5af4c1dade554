import type { Options } from 'tsup';
export function definePackageBuild(options?: { entry?: string[] | Record<string, string>; external?: string[] }): Options | Options[];
