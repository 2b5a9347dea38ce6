"""The scheduler's Telegram side: the periodic tick job and the outbox sender."""
