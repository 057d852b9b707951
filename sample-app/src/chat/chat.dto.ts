/**
 * @module sample-app/chat/chat.dto
 * Payloads the chat accepts, validated by class-validator before a handler runs.
 */
import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsString, Length, Matches, MaxLength } from 'class-validator';

/** The longest message text, in characters. */
export const MAX_TEXT_LENGTH = 500;

const CHANNEL = /^[a-z0-9][a-z0-9-]{0,23}$/;
const CHANNEL_RULE = { message: 'channel must be 1 to 24 lower-case letters, digits or "-"' };

// Surrounding blanks never count: a message of spaces is an empty message.
const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** `join` and `leave`: `{ channel }`. */
export class ChannelDto {
  @IsString() @Matches(CHANNEL, CHANNEL_RULE) channel!: string;
}

/** `message`: `{ channel, text }` with 1 to 500 characters of text. */
export class SendMessageDto {
  @IsString() @Matches(CHANNEL, CHANNEL_RULE) channel!: string;

  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'text must not be empty' })
  @MaxLength(MAX_TEXT_LENGTH)
  text!: string;
}

/** `user-typing`: `{ channel, typing }`. */
export class TypingDto {
  @IsString() @Matches(CHANNEL, CHANNEL_RULE) channel!: string;
  @IsBoolean() typing!: boolean;
}

/** `direct`: `{ to, text }`, `to` being the recipient's client id. */
export class DirectMessageDto {
  @IsString() @Length(1, 64) to!: string;

  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'text must not be empty' })
  @MaxLength(MAX_TEXT_LENGTH)
  text!: string;
}
