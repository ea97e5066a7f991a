"""The Telegram adapter: publisher, admin commands and approval flow, on python-telegram-bot 22."""

from bot.telegram.approval import ApprovalDesk
from bot.telegram.auth import Admins
from bot.telegram.commands import COMMANDS, BotCommands
from bot.telegram.publisher import AdminPreviewPublisher, RetryPolicy, TelegramPublisher
from bot.telegram.state import BotState, PublishGate

__all__ = [
    "COMMANDS",
    "AdminPreviewPublisher",
    "Admins",
    "ApprovalDesk",
    "BotCommands",
    "BotState",
    "PublishGate",
    "RetryPolicy",
    "TelegramPublisher",
]
