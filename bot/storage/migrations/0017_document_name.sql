-- The name an assistant's documents carry (the monthly work card, the assessment), set in
-- /settings; NULL: the Telegram name the bot kept when they joined.
ALTER TABLE assistants ADD COLUMN document_name TEXT;
