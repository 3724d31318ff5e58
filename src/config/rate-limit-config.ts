export interface RateLimitConfig {
  /** Failed authentications per IP per minute before 429. */
  readonly authFailuresPerMinute: number;
  /** Authenticated API requests per token (or per IP without one) per second. */
  readonly apiPerSecond: number;
  /** SMTP tests per tenant per hour. */
  readonly smtpTestPerHour: number;
  /** Failed sign-ins per account per 15 minutes before 429. */
  readonly signInFailuresPerAccount: number;
}
