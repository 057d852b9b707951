/** A module file for the `asyncapi` command tests (imports the framework by path, as a user's file would by name). */
import { IsString, Length } from 'class-validator';
import { Module, OnMessage, Payload, WebSocketController } from '../../../src/index';

export class HelloDto {
  @IsString() @Length(1, 10) name!: string;
}

@WebSocketController('/hello')
export class HelloController {
  @OnMessage('hello')
  hello(@Payload() dto: HelloDto): string {
    return `hi ${dto.name}`;
  }
}

@Module({ controllers: [HelloController] })
export class HelloModule {}

@Module({ imports: [HelloModule] })
export class AppModule {}
