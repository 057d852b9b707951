/**
 * @module sample-app/web/chat-api
 * The chat's protocol as types for the client: derived from the controller, so a renamed DTO field
 * or a changed reply breaks the page's build instead of the page.
 */
import type { ControllerEvents } from 'ws-controllers/client';
import type { ChatController } from '../chat/chat.controller';
import type { ChannelDto, DirectMessageDto, SendMessageDto, TypingDto } from '../chat/chat.dto';
import type { ChatMessage, DirectMessage, PresenceUpdate, TypingUpdate, Welcome } from '../chat/chat-types';

/** What the page sends (the payload is each handler's second parameter, after the client). */
export type ChatEvents = ControllerEvents<
  ChatController,
  {
    join: { method: 'join'; payload: ChannelDto };
    leave: { method: 'leave'; payload: ChannelDto };
    message: { method: 'message'; payload: SendMessageDto };
    'user-typing': { method: 'typing'; payload: TypingDto };
    direct: { method: 'direct'; payload: DirectMessageDto };
  }
>;

/** What the server pushes. */
export interface ChatPushes {
  welcome: Welcome;
  message: ChatMessage;
  presence: PresenceUpdate;
  'user-typing': TypingUpdate;
  direct: DirectMessage;
}
