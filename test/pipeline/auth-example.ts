import {
  createParamDecorator,
  injectable,
  Module,
  OnMessage,
  UseGuards,
  WebSocketController,
  WsException,
  type CanActivate,
  type ExecutionContext,
} from 'ws-controllers';

export interface User {
  id: string;
  name: string;
  roles: string[];
}

@injectable()
export class UserService {
  private readonly byToken = new Map<string, User>([['t-ada', { id: 'u1', name: 'Ada', roles: ['admin'] }]]);
  verify(token: string | undefined): User | undefined {
    return token === undefined ? undefined : this.byToken.get(token);
  }
}

/** Checks `?token=` once, at connect, and keeps the user on `client.data` for every later message. */
@injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly users: UserService) {}
  canActivate({ client }: ExecutionContext): boolean {
    if (client.data.user) return true; // authenticated during the upgrade
    const user = this.users.verify(client.query.token);
    if (!user) throw new WsException('UNAUTHORIZED', 'Invalid or missing token', { status: 401 });
    client.data.user = user;
    return true;
  }
}

/** `@CurrentUser()` is the user, `@CurrentUser('name')` one of its fields. */
export const CurrentUser = createParamDecorator<keyof User>((field, { client }) => {
  const user = client.data.user as User;
  return field === undefined ? user : user[field];
});

const isAdmin = ({ client }: ExecutionContext) => (client.data.user as User).roles.includes('admin');

@WebSocketController('/secure')
@UseGuards(AuthGuard) // at every upgrade (401 without a valid token), then before every message
export class ProfileController {
  @OnMessage('me')
  me(@CurrentUser() user: User) {
    return user;
  }

  @OnMessage('shutdown')
  @UseGuards(isAdmin) // a handler guard: FORBIDDEN for everybody else
  shutdown(@CurrentUser('name') name: string) {
    return `shutting down, ${name}`;
  }
}

@Module({ controllers: [ProfileController], providers: [UserService] })
export class SecureModule {}
