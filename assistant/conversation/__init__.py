"""The conversation: intents, sessions and transcripts, urgent routing, and the service that
answers one message (service.ConversationService)."""
