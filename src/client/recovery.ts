/**
 * @module client/recovery
 * Session recovery on the client: keeps the latest token of the `session` frames and the offsets of
 * what arrived (dropping a push it already saw), builds the presence lists, and calls `onSession`.
 */
import {
  BuiltInPushEvents,
  isSessionFrame,
  memberList,
  presenceRoom,
  type SessionFrame,
  type SessionInfo,
} from './built-in-pushes';
import { Listeners, type Listener } from './listeners';
import { Offsets } from './offsets';
import { PresenceBook } from './presence';
import { resumeParams } from './resume-query';

/** The fields of a push that recovery reads. */
export interface IncomingPush {
  event: string;
  payload?: unknown;
  room?: unknown;
  offset?: unknown;
}

/** The recovery state of one client, across its connections. */
export class Recovery {
  /** The current session, after its first `session` frame. */
  info: SessionInfo | undefined;
  readonly offsets = new Offsets();
  readonly presence = new PresenceBook();
  private token: string | undefined;
  private readonly listeners = new Listeners();

  /** Listens to `session` frames. Returns an unsubscribe function. */
  onSession(fn: (session: SessionInfo) => void): () => void {
    return this.listeners.add(BuiltInPushEvents.SESSION, fn as Listener, false);
  }

  /** Reads a push before the app's listeners do; false when they must not see it (a duplicate). */
  take(message: IncomingPush): boolean {
    if (typeof message.offset === 'string') return this.offsets.accept(message.room, message.offset);
    const payload = message.payload as { members?: unknown; joins?: unknown; leaves?: unknown } | undefined;
    const room = presenceRoom(payload);
    if (message.event === BuiltInPushEvents.SESSION) {
      if (isSessionFrame(payload)) this.started(payload);
    } else if (message.event === BuiltInPushEvents.PRESENCE_STATE) {
      const members = memberList(payload?.members);
      if (room !== undefined && members !== undefined) this.presence.state(room, members);
    } else if (message.event === BuiltInPushEvents.PRESENCE_DIFF) {
      const joins = memberList(payload?.joins);
      const leaves = memberList(payload?.leaves);
      if (room !== undefined && joins !== undefined && leaves !== undefined) this.presence.diff(room, joins, leaves);
    }
    return true;
  }

  /** The `resume`/`offsets` query parameters of the next connect, once a session exists. */
  resumeParams(): Array<[string, string]> | undefined {
    return resumeParams(this.token, this.offsets);
  }

  /**
   * Gives up resuming (the server answered a resume with `RESUME_CONFLICT`): the next connect starts a
   * new session. Returns whether there was a session to give up.
   */
  abandon(): boolean {
    if (this.token === undefined) return false;
    this.token = undefined;
    return true;
  }

  private started(frame: SessionFrame): void {
    this.token = frame.token;
    // A fresh session starts its logs anew and is in no room: what the previous one saw means nothing.
    if (!frame.resumed) {
      this.offsets.clear();
      this.presence.clear();
    }
    this.info = { id: frame.id, resumed: frame.resumed };
    this.listeners.dispatch(BuiltInPushEvents.SESSION, this.info);
  }
}
