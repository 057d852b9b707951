/** Controllers and DTOs the AsyncAPI tests document (besides the sample app and the core chat fixture). */
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsEmail, IsEnum, IsIn, IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { Module, OnMessage, Payload, WebSocketController } from 'ws-controllers';

export enum Priority {
  Low = 'low',
  High = 'high',
}

export class TagDto {
  @IsString() label!: string;
}

export class TaskDto {
  @IsString() title!: string;
  @IsOptional() @IsEmail() owner?: string;
  @IsInt() @Min(1) @Max(5) points!: number;
  @IsEnum(Priority) priority!: Priority;
  @IsIn([1, 2, 3]) lane!: number;
  @ValidateNested({ each: true }) @Type(() => TagDto) @ArrayMaxSize(3) tags!: TagDto[];
  @IsString({ each: true }) notes!: string[];
}

export class TaskCreated {
  @IsString() id!: string;
}

@WebSocketController('/boards/:boardId', { clientRooms: true })
export class BoardController {
  @OnMessage('task.create')
  create(@Payload() task: TaskDto): TaskCreated {
    return { id: task.title };
  }

  @OnMessage('rename')
  rename(@Payload('name') name: string, @Payload('force') force: boolean): string {
    return force ? name : name.trim();
  }

  @OnMessage('anything')
  anything(@Payload() value: unknown): void {
    void value;
  }
}

@Module({ controllers: [BoardController] })
export class BoardModule {}
