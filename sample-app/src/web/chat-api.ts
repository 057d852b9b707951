/**
 * @module sample-app/web/chat-api
 * The chat's protocol as types for the client: derived from the controller, so a renamed DTO field
 * or a changed reply breaks the page's build instead of the page.
 */
import type { ControllerEvents, PresencePushes } from 'ws-controllers/client';
import type { ChatController } from '../chat/chat.controller';
import type { ChannelCreated, ChatMessage, DirectMessage, MemberMeta, Welcome } from '../chat/chat-types';

/** What the page sends: event name -> controller method (its payload is the parameter after the client). */
export type ChatEvents = ControllerEvents<
  ChatController,
  { join: 'join'; leave: 'leave'; message: 'message'; 'user-typing': 'typing'; direct: 'direct' }
>;

/** What the server pushes; presence frames (`PresenceService`) carry a `MemberMeta` per member. */
export interface ChatPushes extends PresencePushes<MemberMeta> {
  welcome: Welcome;
  message: ChatMessage;
  direct: DirectMessage;
  'channel-created': ChannelCreated;
}
