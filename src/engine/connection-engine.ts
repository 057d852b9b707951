/**
 * @module engine/connection-engine
 * The runtime-neutral connection lifecycle: decide an upgrade (route, `@OnConnect`), attach the
 * socket, dispatch frames to compiled handlers, run disconnect hooks, shut down. Transports call in.
 */
import { withTimeout } from '../util/with-timeout';
import { DeadlineQueue } from './deadline-queue';
import { CloseCodes } from '../protocol/close-codes';
import type { Logger } from '../util/logger';
import { Connection } from '../connections/connection';
import type { CompiledController } from '../dispatch/compiled-controller';
import { asControl, asEnvelope, encodeError, parseFrame, type ControlFrame, type WireError } from '../protocol/envelope';
import { MAX_EVENT_NAME_LENGTH } from '../protocol/wire';
import { boundText } from '../util/bounded-text';
import { isThenable, SETTLED } from '../util/thenable';
import { IntrusiveList } from '../util/intrusive-list';
import { RawMessageData } from '../protocol/raw-message';
import type { RouteTable } from '../discovery/route-table';
import { ErrorCodes, WsException } from '../errors/ws-exception';
import type { Hub } from '../rooms/hub';
import type { EnvelopeTap, ErrorTap, EngineObserver, UpgradeGate } from '../spi/extensions';
import type { Handshake, TransportEngine, TransportSocket, UpgradeDecision } from '../spi/transport';
import type { SessionRecord } from '../recovery/store';
import { restoreData } from '../recovery/saved-data';
import type { ResumeCandidate, SessionRecovery } from './session-recovery';

/** A connection as the engine holds it: with its compiled controller. */
export type EngineConnection = Connection<CompiledController>;

/** The outcome of an upgrade request. */
export type UpgradeResult = UpgradeDecision<EngineConnection>;

export type { EngineObserver, UpgradeGate };

/** Engine settings. */
export interface EngineSettings {
  handshakeTimeoutMs: number;
  /** Checks run at every upgrade before `@OnConnect`, in order. */
  gates?: readonly UpgradeGate[] | undefined;
  /** Lifecycle observers. */
  observers?: readonly EngineObserver[] | undefined;
  /** Handler calls still running; a shutdown waits for them (within its timeout) before closing sockets. */
  inFlight?: { idle(timeoutMs: number): Promise<unknown> } | undefined;
  /** Sees the errors the engine itself sends (unknown event, bad message). */
  onError?: ErrorTap | undefined;
  /** Sees each envelope before dispatch (tracing); absent when unused. */
  onEnvelope?: EnvelopeTap | undefined;
}

/** Close code and reason sent to every client when the app closes. */
export const SHUTDOWN_CLOSE = CloseCodes.SHUTDOWN;

function refusal(status: number, code: string, message: string): UpgradeResult {
  return { accepted: false, status, code, message };
}

// A gate or hook that answered `false`.
function forbidden(): WsException {
  return new WsException(ErrorCodes.FORBIDDEN, 'Connection refused', { status: 403 });
}

/** Drives connections for one app. */
export class ConnectionEngine implements TransportEngine<EngineConnection> {
  /** Connections whose socket is open (or closing). */
  private readonly live = new IntrusiveList<EngineConnection>();
  private readonly disconnecting = new Set<Promise<void>>();
  private drained: (() => void) | undefined;
  private shuttingDown = false;
  private readonly observers: readonly EngineObserver[];
  private readonly gates: readonly UpgradeGate[];
  /** Handshake timeouts of the gates and hooks awaited right now. */
  private readonly deadlines: DeadlineQueue | undefined;

  constructor(
    private readonly routes: RouteTable<CompiledController>,
    readonly hub: Hub,
    private readonly logger: Logger,
    private readonly settings: EngineSettings,
  ) {
    this.observers = settings.observers ?? [];
    this.gates = settings.gates ?? [];
    // A non-finite timeout means none (as `withTimeout` reads it).
    const ms = settings.handshakeTimeoutMs;
    this.deadlines = Number.isFinite(ms) ? new DeadlineQueue(ms) : undefined;
  }

  private recovery: SessionRecovery | undefined;

  /** Turns session recovery on (before the transport listens). */
  enableRecovery(recovery: SessionRecovery): void {
    this.recovery = recovery;
    recovery.start((record) => this.expire(record));
  }

  /** Whether the app stopped accepting connections. */
  get closing(): boolean {
    return this.shuttingDown;
  }

  /** Decides an upgrade: route by path, then run the gates and `@OnConnect` hooks. */
  upgrade(handshake: Handshake): Promise<UpgradeResult> {
    try {
      return Promise.resolve(this.decide(handshake));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** `upgrade`, without a promise when nothing it ran returned one. */
  decide(handshake: Handshake): UpgradeResult | Promise<UpgradeResult> {
    const decided = this.route(handshake);
    if (isThenable(decided)) return decided.then((result) => this.decided(handshake, result));
    return this.decided(handshake, decided);
  }

  private decided(handshake: Handshake, result: UpgradeResult): UpgradeResult {
    if (!result.accepted) this.refused(handshake, result.status, result.code, result.message);
    return result;
  }

  /** Logs and counts a refused upgrade (the engine's own, or one the transport refused first). */
  refused(handshake: Handshake, status: number, code: string, message: string): void {
    this.logger.info({ path: handshake.path, status, code, reason: message, remoteAddress: handshake.remoteAddress }, 'handshake refused');
    for (const observer of this.observers) observer.refused?.(handshake, status, code);
  }

  // Synchronous as long as every gate and hook answers synchronously: a promise (and a handshake
  // timer) only for the ones that return one, not one per gate.
  private route(handshake: Handshake): UpgradeResult | Promise<UpgradeResult> {
    if (this.shuttingDown) return refusal(503, 'SHUTTING_DOWN', 'Server is shutting down');
    const match = this.routes.match(handshake.path);
    if (!match) return refusal(404, ErrorCodes.NOT_FOUND, 'No WebSocket route for this path');
    const recovery = this.recovery;
    if (recovery === undefined) return this.start(handshake, match.target, match.params, handshake.query, undefined);
    return recovery
      .begin(handshake.query, handshake.path)
      .then(({ query, candidate }) => this.start(handshake, match.target, match.params, query, candidate));
  }

  private start(
    handshake: Handshake,
    controller: CompiledController,
    params: Record<string, string>,
    query: Record<string, string>,
    candidate: ResumeCandidate | undefined,
  ): UpgradeResult | Promise<UpgradeResult> {
    // The address is read when first asked for (a system call per upgrade on Node that most apps never
    // need), except for a controller with @OnDisconnect: it may ask once the peer is gone.
    const init = { path: handshake.path, query, headers: handshake.headers, params, remoteAddress: handshake, id: candidate?.record.id };
    const connection: EngineConnection = new Connection(init, this.hub);
    connection.controller = controller;
    if (controller.disconnectHooks.length > 0) connection.resolveAddress();
    const recovery = this.recovery;
    if (recovery !== undefined) recovery.attach(connection, candidate);
    return this.admit(connection, controller, candidate, 0);
  }

  // Runs the gates, then the `@OnConnect` hooks, from `step` on; awaits (within the handshake timeout)
  // only a step that returns a promise, then goes on from the next one.
  private admit(connection: EngineConnection, controller: CompiledController, candidate: ResumeCandidate | undefined, step: number): UpgradeResult | Promise<UpgradeResult> {
    const gates = this.gates;
    const hooks = controller.connectHooks;
    const steps = gates.length + hooks.length;
    try {
      for (; step < steps; step++) {
        const outcome = step < gates.length ? gates[step]!(connection, controller) : hooks[step - gates.length]!.invoke(connection, undefined, {});
        if (outcome === SETTLED) continue; // e.g. `return client.join(room)`: joined already
        if (isThenable(outcome)) return this.awaitStep(outcome, connection, controller, candidate, step + 1);
        if (outcome === false) throw forbidden();
      }
    } catch (error) {
      return this.refuse(error, controller, connection);
    }
    // Recovery: the session is stored (or the old one claimed) only for an accepted handshake.
    const recovery = this.recovery;
    if (recovery === undefined) return this.accept(connection);
    return recovery.admit(connection, candidate).then(
      () => this.accept(connection),
      (error: unknown) => this.refuse(error, controller, connection),
    );
  }

  // A step's promise, raced against the handshake timeout (one shared timer); then the steps after it.
  private awaitStep(
    outcome: PromiseLike<unknown>,
    connection: EngineConnection,
    controller: CompiledController,
    candidate: ResumeCandidate | undefined,
    next: number,
  ): Promise<UpgradeResult> {
    return new Promise<UpgradeResult>((resolve, reject) => {
      let decided = false;
      const finish = (result: () => UpgradeResult | Promise<UpgradeResult>): void => {
        if (decided) return; // a late answer after the timeout is ignored
        decided = true;
        if (deadline !== undefined) this.deadlines!.cancel(deadline);
        try {
          resolve(result());
        } catch (error) {
          reject(error as Error);
        }
      };
      const deadline = this.deadlines?.add(() =>
        finish(() => this.refuse(new WsException('HANDSHAKE_TIMEOUT', 'Connection handler timed out', { status: 503 }), controller, connection)),
      );
      outcome.then(
        (result) => finish(() => (result === false ? this.refuse(forbidden(), controller, connection) : this.admit(connection, controller, candidate, next))),
        (error: unknown) => finish(() => this.refuse(error, controller, connection)),
      );
    });
  }

  private accept(connection: EngineConnection): UpgradeResult {
    if (this.shuttingDown) {
      this.abandon(connection);
      return refusal(503, 'SHUTTING_DOWN', 'Server is shutting down');
    }
    return { accepted: true, connection };
  }

  private refuse(error: unknown, controller: CompiledController, connection: EngineConnection): UpgradeResult {
    this.abandon(connection);
    return this.refusalFor(error, controller, connection);
  }

  private refusalFor(error: unknown, controller: CompiledController, connection: EngineConnection): UpgradeResult {
    if (error instanceof WsException) return refusal(error.status, error.code, error.message);
    this.logger.error({ err: error, controller: controller.name, path: connection.path }, '@OnConnect handler failed');
    return refusal(500, ErrorCodes.INTERNAL_ERROR, 'Internal server error');
  }

  /** Forgets a connection that will never open (refused, or its peer left during the upgrade). */
  abandon(connection: EngineConnection): void {
    connection.abandon();
    this.hub.unregister(connection);
    this.recovery?.abandoned(connection);
    // What @OnConnect set up for a new client (presence...) ends with it; a refused resume's session lives on.
    if (!connection.resumed) this.hub.sessionEnded(connection.id, connection.path);
    for (const observer of this.observers) observer.abandoned?.(connection);
  }

  /** The handshake completed: attach the socket and deliver what `@OnConnect` sent. */
  open(connection: EngineConnection, socket: TransportSocket): void {
    if (connection.closed) return socket.terminate(); // taken over while its upgrade finished
    this.live.add(connection);
    this.hub.register(connection);
    connection.attach(socket);
    for (const observer of this.observers) observer.opened?.(connection);
    if (this.shuttingDown) connection.close(SHUTDOWN_CLOSE.code, SHUTDOWN_CLOSE.reason);
  }

  /** One frame from a client. Text frames arrive as strings, binary ones as bytes. Never throws. */
  message(connection: EngineConnection, data: string | Uint8Array, isBinary: boolean): void {
    const controller = connection.controller;
    if (isBinary || typeof data !== 'string') return this.raw(connection, controller, data, true);
    const value = parseFrame(data, controller.payloadLimits);
    const envelope = asEnvelope(value);
    if (envelope === undefined) {
      const control = asControl(value);
      if (control !== undefined) return this.control(connection, controller, control);
      return this.raw(connection, controller, data, false, requestIdOf(value));
    }
    const tap = this.settings.onEnvelope;
    if (tap !== undefined) tap(connection, envelope);
    const event = envelope.event;
    const handler = controller.messages.get(event);
    if (handler !== undefined) {
      const payloadOf = handler.payloadOf;
      return handler.run(connection, payloadOf === undefined ? envelope.payload : payloadOf(envelope), envelope.id);
    }
    // No handler has a name this long (compileController refuses them): not worth echoing, nor quoting.
    if (event.length > MAX_EVENT_NAME_LENGTH) {
      return this.stray(connection, controller, { code: ErrorCodes.BAD_MESSAGE, message: `Event names are at most ${MAX_EVENT_NAME_LENGTH} characters` }, envelope.id);
    }
    this.stray(connection, controller, { code: ErrorCodes.UNKNOWN_EVENT, message: `Unknown event '${boundText(event)}'`, event }, envelope.id);
  }

  /**
   * Answers a frame no handler takes, after counting it against the app-wide and controller rate
   * limits (when there are any): a refused one is answered `RATE_LIMITED` only when it carries an id
   * (a request waits for it); others are dropped, so a flood costs no reply per frame.
   */
  private stray(connection: EngineConnection, controller: CompiledController, wire: WireError, id: string | number | undefined): void {
    const check = controller.checkStray;
    if (check !== undefined) {
      let allowed: boolean;
      try {
        allowed = check(connection);
      } catch (error) {
        if (id !== undefined) controller.fail(connection, error, wire.event, id);
        return;
      }
      if (!allowed) return;
    }
    this.sendError(connection, wire, id);
  }

  /**
   * An answer to a server request or the cancel of a stream: counted against the rate limits like
   * any frame (a refused one is dropped), then handed to the connection. An answer to an unknown or
   * expired ack, or a cancel of no stream, is dropped silently.
   */
  private control(connection: EngineConnection, controller: CompiledController, frame: ControlFrame): void {
    const check = controller.checkStray;
    if (check !== undefined) {
      try {
        if (!check(connection)) return;
      } catch {
        return; // e.g. the limiter closed the connection
      }
    }
    if (frame.ack !== undefined) connection.answer(frame.ack, frame.payload, frame.error);
    else if (frame.cancel !== undefined) connection.cancelStream(frame.cancel);
  }

  private sendError(connection: EngineConnection, wire: WireError, id?: string | number): void {
    const onError = this.settings.onError;
    if (onError !== undefined) onError(connection, wire, undefined);
    connection.sendText(encodeError(wire, id));
  }

  /** A frame that is not an envelope; `id` is the valid `id` it carried, if it parsed to an object with one. */
  private raw(connection: EngineConnection, controller: CompiledController, data: string | Uint8Array, isBinary: boolean, id?: string | number): void {
    const hook = controller.rawHook;
    if (hook === undefined) {
      const message = isBinary ? 'Binary messages are not accepted here' : 'Expected a JSON envelope {"event": string, "payload"?: any, "id"?: string | number}';
      this.stray(connection, controller, { code: ErrorCodes.BAD_MESSAGE, message }, id);
      return;
    }
    const reply = (value: unknown): void => {
      // A raw handler answers in kind: returned text or bytes go back as a raw frame.
      if (typeof value === 'string' || value instanceof Uint8Array) connection.send(value);
    };
    try {
      const result = hook.invoke(connection, undefined, { raw: new RawMessageData(data, isBinary) });
      if (isThenable(result)) result.then(reply, (error: unknown) => controller.fail(connection, error, undefined, id));
      else reply(result);
    } catch (error) {
      controller.fail(connection, error, undefined, id);
    }
  }

  /** The socket closed: leave every room, then run `@OnDisconnect` once. */
  closed(connection: EngineConnection, code: number, reason: string): void {
    if (connection.closed) return;
    connection.closed = true;
    this.hub.unregister(connection);
    connection.gone();
    // Recovery: a session taken over by a resume, or detached for its window, has not ended.
    const lives = connection.takenOver || (this.recovery !== undefined && this.recovery.dropped(connection, code, this.shuttingDown));
    if (lives) return this.forget(connection, code, reason);
    this.hub.sessionEnded(connection.id, connection.path);
    const hooks = connection.controller.disconnectHooks;
    if (hooks.length > 0) {
      const running = this.runDisconnectHooks(connection, code, reason);
      this.disconnecting.add(running);
      void running.finally(() => this.disconnecting.delete(running));
    }
    this.forget(connection, code, reason);
  }

  private forget(connection: EngineConnection, code: number, reason: string): void {
    this.live.delete(connection);
    for (const observer of this.observers) observer.closed?.(connection, code, reason);
    if (this.live.size === 0) this.drained?.();
  }

  /** A detached session's window ended without a resume: its `@OnDisconnect` runs now, here. */
  private expire(record: SessionRecord): Promise<void> {
    const match = this.routes.match(record.path);
    this.hub.sessionEnded(record.id, record.path);
    if (!match || match.target.disconnectHooks.length === 0) return Promise.resolve();
    const init = { path: record.path, query: {}, headers: {}, params: match.params, remoteAddress: '', id: record.id };
    const connection: EngineConnection = new Connection(init, this.hub);
    connection.controller = match.target;
    connection.closed = true;
    restoreData(connection.data, record.data);
    const running = this.runDisconnectHooks(connection, 1006, 'session expired');
    this.disconnecting.add(running);
    void running.finally(() => this.disconnecting.delete(running));
    return running;
  }

  private async runDisconnectHooks(connection: EngineConnection, code: number, reason: string): Promise<void> {
    const controller = connection.controller;
    for (const hook of controller.disconnectHooks) {
      try {
        const result = hook.invoke(connection, undefined, { code, reason });
        if (isThenable(result)) await result;
      } catch (error) {
        controller.report(connection, error, '@OnDisconnect');
      }
    }
  }

  /**
   * Stops accepting, lets running handlers finish, closes every client with 1001, waits for their
   * disconnect hooks. All within `timeoutMs`: clients still connected then are dropped, and hooks
   * still running are no longer awaited, so the returned promise always resolves.
   */
  async shutdown(timeoutMs: number): Promise<void> {
    this.shuttingDown = true;
    const deadline = Date.now() + timeoutMs;
    // Handlers get the budget minus a reserve, so the 1001 close frames still have time to go out.
    const closeReserve = Math.min(1000, timeoutMs / 2);
    if (this.settings.inFlight) await this.settings.inFlight.idle(timeoutMs - closeReserve);
    timeoutMs = Math.max(0, deadline - Date.now());
    const drained = new Promise<void>((resolve) => {
      this.drained = resolve;
      if (this.live.size === 0) resolve();
    });
    for (const connection of this.live) connection.close(SHUTDOWN_CLOSE.code, SHUTDOWN_CLOSE.reason);
    if (await withTimeout(drained.then(() => false), timeoutMs, () => true)) {
      for (const connection of this.live) connection.socket?.terminate();
      // A terminated socket may never report its close: account for it here.
      for (const connection of [...this.live]) this.closed(connection, 1006, '');
    }
    // Sessions no other app can resume end with this one: their @OnDisconnect runs now.
    const recovery = this.recovery;
    if (recovery !== undefined) {
      if (!recovery.survivesShutdown()) await withTimeout(recovery.sweep((record) => this.expire(record), Infinity), Math.max(0, deadline - Date.now()), () => undefined);
      await recovery.stop();
    }
    const hooksDone = Promise.all([...this.disconnecting]).then(() => true);
    if (!(await withTimeout(hooksDone, Math.max(0, deadline - Date.now()), () => false))) {
      this.logger.warn({ running: this.disconnecting.size }, '@OnDisconnect handlers still running at the shutdown deadline');
    }
  }
}

/** The `id` of a parsed frame that is not an envelope, when it is an object with a valid one (its error answers on it). */
function requestIdOf(value: unknown): string | number | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

