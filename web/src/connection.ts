// Watches the daemon through GET /api/status: 1 Hz while it answers, with
// exponential backoff while it does not. Shows a banner when the daemon is
// unreachable or refuses the token, and tells the panels when it is back so
// they can resubscribe.

import { api, ApiError, onApiOutcome } from "./api.js";
import { Backoff } from "./backoff.js";
import type { Status } from "./types.js";

export type LinkState = "connecting" | "up" | "unreachable" | "unauthorized";

export class Connection {
  state: LinkState = "connecting";
  private readonly backoff = new Backoff(500, 5000);
  private readonly statusListeners: ((s: Status) => void)[] = [];
  private readonly reconnectListeners: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly banner: HTMLElement) {
    onApiOutcome((status) => {
      if (status === 401) this.set("unauthorized");
      else if (status === 0) this.set("unreachable");
    });
  }

  onStatus(l: (s: Status) => void): void {
    this.statusListeners.push(l);
  }

  // Called when the daemon answers again after having been unreachable.
  onReconnect(l: () => void): void {
    this.reconnectListeners.push(l);
  }

  start(): void {
    void this.poll();
  }

  private async poll(): Promise<void> {
    clearTimeout(this.timer);
    let delay = 1000;
    try {
      const s = await api<Status>("GET", "/api/status");
      const wasDown = this.state === "unreachable" || this.state === "unauthorized";
      this.set("up");
      this.backoff.reset();
      if (wasDown) for (const l of this.reconnectListeners) l();
      for (const l of this.statusListeners) l(s);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status !== 0 && e.status !== 401) this.set("up");
      delay = this.backoff.next();
    }
    this.timer = setTimeout(() => void this.poll(), delay);
  }

  private set(state: LinkState): void {
    if (state === this.state) return;
    this.state = state;
    document.body.dataset.link = state;
    this.banner.hidden = state === "up" || state === "connecting";
    this.banner.dataset.state = state;
    this.banner.textContent =
      state === "unauthorized"
        ? "This daemon needs its token (missing or wrong). Open the address eegd printed at start-up: http://HOST:PORT/?token=…"
        : state === "unreachable"
          ? "eegd is unreachable: reconnecting…"
          : "";
  }
}
