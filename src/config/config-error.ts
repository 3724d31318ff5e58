/** A configuration value is missing or wrong: the start stops with its message. */
export class ConfigError extends Error {}
