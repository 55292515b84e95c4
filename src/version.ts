import pkg from '../package.json' with { type: 'json' };

/** The version of m365-health, from its package.json. */
export const VERSION: string = pkg.version;
