/**
 * @module bench/servers/nestjs
 * The NestJS reference: a `@WebSocketGateway` on `@nestjs/platform-ws`. Variants: `echo` (no pipe)
 * and `echo-dto` (`ValidationPipe` with the same DTO and whitelist options as ws-controllers).
 * Its parser reads `payload` as Nest's `data`, so the load client sends the same bytes to every server.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Module, UsePipes, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { IsInt, IsString, Length, Min } from 'class-validator';
import { announce, variant } from './control.js';

class EchoDto {
  @IsString()
  @Length(1, 64)
  text!: string;

  @IsInt()
  @Min(0)
  n!: number;
}

@WebSocketGateway({ path: '/echo' })
class EchoGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() body: unknown): { event: string; data: unknown } {
    return { event: 'echo', data: body };
  }
}

@WebSocketGateway({ path: '/echo' })
class EchoDtoGateway {
  @SubscribeMessage('echo')
  @UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }))
  echo(@MessageBody() body: EchoDto): { event: string; data: EchoDto } {
    return { event: 'echo', data: body };
  }
}

@Module({ providers: [variant() === 'echo-dto' ? EchoDtoGateway : EchoGateway] })
class BenchModule {}

const app = await NestFactory.create(BenchModule, { logger: false });
app.useWebSocketAdapter(
  new WsAdapter(app, {
    messageParser: (data) => {
      const message = JSON.parse(data.toString()) as { event: string; payload?: unknown };
      return { event: message.event, data: message.payload };
    },
  }),
);
await app.listen(0, '127.0.0.1');
announce((app.getHttpServer().address() as AddressInfo).port, () => app.close());
