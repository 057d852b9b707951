/**
 * @module tracing/semconv
 * Span names and attribute keys, after the OpenTelemetry messaging semantic conventions: span names are
 * `{operation} {destination}`; framework-specific attributes live under `messaging.ws_controllers.*`.
 */

/** The `messaging.system` value of every span. */
export const MESSAGING_SYSTEM = 'ws_controllers';

/** Attribute keys. */
export const Attr = {
  SYSTEM: 'messaging.system',
  SYSTEM_NAME: 'messaging.system.name',
  /** The pre-1.26 operation key, still read by many back ends. */
  OPERATION: 'messaging.operation',
  OPERATION_NAME: 'messaging.operation.name',
  OPERATION_TYPE: 'messaging.operation.type',
  DESTINATION: 'messaging.destination.name',
  DESTINATION_TEMPLATE: 'messaging.destination.template',
  MESSAGE_ID: 'messaging.message.id',
  CLIENT_ID: 'messaging.client.id',
  ERROR_TYPE: 'error.type',
  CODE_FUNCTION: 'code.function.name',
  HTTP_METHOD: 'http.request.method',
  HTTP_ROUTE: 'http.route',
  HTTP_STATUS: 'http.response.status_code',
  URL_PATH: 'url.path',
  CLIENT_ADDRESS: 'client.address',
  CONTROLLER: 'messaging.ws_controllers.controller',
  METHOD: 'messaging.ws_controllers.method',
  ROUTE: 'messaging.ws_controllers.route',
  OUTCOME: 'messaging.ws_controllers.outcome',
  ERROR_CODE: 'messaging.ws_controllers.error_code',
  REFUSAL_CODE: 'messaging.ws_controllers.refusal_code',
  STEP: 'messaging.ws_controllers.step',
  GUARD_ALLOWED: 'messaging.ws_controllers.guard.allowed',
  PROPERTY: 'messaging.ws_controllers.property',
  ROOMS: 'messaging.ws_controllers.rooms',
  ROOM_COUNT: 'messaging.ws_controllers.room_count',
  PATH: 'messaging.ws_controllers.path',
  RECIPIENTS: 'messaging.ws_controllers.recipients',
  TARGET_CLIENT: 'messaging.ws_controllers.target_client_id',
  DELIVERED: 'messaging.ws_controllers.delivered',
} as const;

/** Values of `messaging.ws_controllers.outcome`. */
export const Outcome = {
  OK: 'ok',
  ERROR: 'error',
  /** Upgrades only. */
  REFUSED: 'refused',
  ABANDONED: 'abandoned',
} as const;
