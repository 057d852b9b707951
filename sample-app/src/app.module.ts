/**
 * @module sample-app/app.module
 * The chat's root module, built around the stores chosen at start-up (memory or Redis).
 */
import { Module } from 'ws-controllers';
import { ChatController } from './chat/chat.controller';
import { ChannelDirectory } from './storage/channel-directory';
import { NameRegistry } from './storage/name-registry';

/** The stores the module provides to its controllers. */
export interface AppStores {
  channels: ChannelDirectory;
  names: NameRegistry;
}

/** Builds the root module with these stores (like a NestJS dynamic module). */
export function createAppModule(stores: AppStores): new () => object {
  @Module({
    controllers: [ChatController],
    providers: [
      { provide: ChannelDirectory, useValue: stores.channels },
      { provide: NameRegistry, useValue: stores.names },
    ],
  })
  class AppModule {}
  return AppModule;
}
