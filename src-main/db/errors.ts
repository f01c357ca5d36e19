// The station file's errors: a sentence a timer can act on, the cause kept for the log.
export class DatabaseOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseOpenError';
  }
}

/** The station file failed its integrity check or is not a database: a backup must replace it. */
export class StationDamagedError extends DatabaseOpenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StationDamagedError';
  }
}
