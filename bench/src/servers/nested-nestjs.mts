/**
 * @module bench/servers/nested-nestjs
 * The NestJS reference of the nested case: a `@WebSocketGateway` on `@nestjs/platform-ws` with a
 * `ValidationPipe` (`transform: true`, so the handler gets class instances as with ws-controllers;
 * `expectedType`, the DTO class being built by a function shared with the other servers;
 * `whitelist` + `forbidNonWhitelisted` as ws-controllers' defaults) on the same chat DTO.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Module, UsePipes, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import nestedDto from '../cases/nested-dto.js';
import { announce } from './control.js';

const { ChatMessageDto } = nestedDto.chatDtos(classValidator, classTransformer);

@WebSocketGateway({ path: '/echo' })
class ChatGateway {
  @SubscribeMessage('echo')
  @UsePipes(new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true, expectedType: ChatMessageDto }))
  echo(@MessageBody() body: InstanceType<typeof ChatMessageDto>): { event: string; data: unknown } {
    if (!(body instanceof ChatMessageDto)) throw new Error('not an instance');
    return { event: 'echo', data: body };
  }
}

@Module({ providers: [ChatGateway] })
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
