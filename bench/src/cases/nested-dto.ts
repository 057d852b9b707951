/**
 * @module bench/cases/nested-dto
 * The nested benchmark payload (issue 20 part 1) and its DTOs: a chat message with an author object
 * (3 validated fields) and an array of 10 validated items, about 600 bytes. The DTO classes are
 * declared once and decorated with whichever class-validator / class-transformer copy a server uses
 * (ws-controllers reads the root's, NestJS the bench's own), so every server checks the same rules.
 */
import type * as ClassTransformer from 'class-transformer';
import type * as ClassValidator from 'class-validator';

/** The rules, spelled out for the hand-written raw ws check. */
export const RULES = {
  room: { min: 1, max: 32 },
  id: { min: 1, max: 16 },
  name: { min: 1, max: 32 },
  roles: ['user', 'admin', 'bot'],
  items: { min: 1, max: 50 },
  text: { min: 1, max: 80 },
} as const;

function items(): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < 10; i++) out.push({ text: `chat message ${i}`, ts: 1_700_000_000_000 + i, ...(i % 3 === 0 ? { edited: true } : {}) });
  return out;
}

/** The payload every server receives. */
export const NESTED_PAYLOAD = { room: 'general', author: { id: 'u-1234', name: 'Ada Lovelace', role: 'admin' }, items: items() };

/** The frame the load client sends. */
export const NESTED_MESSAGE = JSON.stringify({ event: 'echo', payload: NESTED_PAYLOAD });

/** The DTO classes, decorated with the given copies of the libraries. */
export function chatDtos(v: typeof ClassValidator, t: typeof ClassTransformer) {
  class AuthorDto {
    @v.IsString() @v.Length(RULES.id.min, RULES.id.max) id!: string;
    @v.IsString() @v.Length(RULES.name.min, RULES.name.max) name!: string;
    @v.IsIn([...RULES.roles]) role!: string;
  }

  class ChatItemDto {
    @v.IsString() @v.Length(RULES.text.min, RULES.text.max) text!: string;
    @v.IsInt() @v.Min(0) ts!: number;
    @v.IsOptional() @v.IsBoolean() edited?: boolean;
  }

  class ChatMessageDto {
    @v.IsString() @v.Length(RULES.room.min, RULES.room.max) room!: string;
    @v.ValidateNested() @t.Type(() => AuthorDto) author!: AuthorDto;
    @v.IsArray()
    @v.ArrayMinSize(RULES.items.min)
    @v.ArrayMaxSize(RULES.items.max)
    @v.ValidateNested({ each: true })
    @t.Type(() => ChatItemDto)
    items!: ChatItemDto[];
  }

  return { AuthorDto, ChatItemDto, ChatMessageDto };
}
