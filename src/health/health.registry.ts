import { Injectable } from '@nestjs/common';

export interface SourceHealth {
  name: string;
  status: 'up' | 'starting' | 'down';
  connected: boolean;
  last_success_at: Date | null;
  last_error: string | null;
  backlog: number | null;
}

/** The polling mail sources (IMAP, Maildir) report here; /health reads it. */
@Injectable()
export class HealthRegistry {
  private readonly reporters = new Map<string, () => SourceHealth>();

  register(name: string, report: () => SourceHealth): void {
    this.reporters.set(name, report);
  }

  unregister(name: string): void {
    this.reporters.delete(name);
  }

  report(): SourceHealth[] {
    return [...this.reporters.values()].map((r) => r());
  }
}
