"""The bot's handler groups: one declaration, the catch-alls last, every announced command handled."""

from __future__ import annotations

import pytest
from auxil.fake_bot_api import RecordedSleep
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.app import open_bot
from bot.config import Settings
from bot.telegram import RetryPolicy
from bot.telegram.commands import COMMANDS
from bot.telegram.handlers import ANSWERS, UPDATES, HandlerGroups

pytestmark = pytest.mark.anyio


async def _nothing(*_: object) -> None:
    return None


def _command(name: str) -> CommandHandler:  # type: ignore[type-arg]
    return CommandHandler(name, _nothing)


def test_fallbacks_come_after_every_handler_of_their_group_and_answers_before_it() -> None:
    answer = MessageHandler(filters.TEXT, _nothing)
    first, second = _command("first"), _command("second")
    catch_all = MessageHandler(filters.ALL, _nothing)
    groups = HandlerGroups(answers=[answer], handlers=[first, second], fallbacks=[catch_all]).groups()
    assert groups == {ANSWERS: [answer], UPDATES: [first, second, catch_all]}
    assert ANSWERS < UPDATES  # PTB runs the lower group first


async def test_the_bot_registers_its_groups_with_every_command_before_the_catch_alls(
    settings: Settings, sleep: RecordedSleep, retry: RetryPolicy
) -> None:
    async with open_bot(settings, retry=retry, sleep=sleep) as hashbot:
        registered = hashbot.application.handlers
    assert sorted(registered) == [ANSWERS, UPDATES]
    updates: list[BaseHandler] = registered[UPDATES]  # type: ignore[type-arg]
    command_handlers = [handler for handler in updates if isinstance(handler, CommandHandler)]
    commands = [name for handler in command_handlers for name in handler.commands]
    assert sorted(commands) == sorted(command.name for command in COMMANDS)
    *specific, unknown_command, pasted, stray_click = updates
    assert isinstance(unknown_command, MessageHandler) and isinstance(pasted, MessageHandler)
    assert isinstance(stray_click, CallbackQueryHandler) and stray_click.pattern is None
    assert not any(isinstance(handler, MessageHandler) for handler in specific)
