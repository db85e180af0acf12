using System.Text.Json;
using Aos.Agents;
using Aos.Kernel.Models;
using Aos.Messaging;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Aos.Kernel.Agents.BuiltIn;

/// <summary>
/// Hosts a Microsoft Agent Framework <see cref="ChatClientAgent"/> over the default model; its purpose is its
/// instructions, and its conversation session is part of its durable state.
/// </summary>
/// <remarks>
/// Handles <c>chat</c> <c>{message}</c> (or a plain string payload) as a request, replying <c>{text}</c>, or as an event.
/// Because the session is saved with the turn, a conversation continues where it stopped after a sleep or a restart. The session keeps
/// the newest <see cref="HistoryLimit"/> messages: an agent that chats for years keeps a bounded state, and its requests fit a model's
/// context.
/// </remarks>
[AgentType("chat", Description = "A Microsoft Agent Framework chat agent over the configured model (Aos:Models:Default); its purpose is its instructions and its conversation survives restarts.")]
internal sealed class ChatAgent : Agent
{
    /// <summary>The most messages (the user's and the model's, not the instructions) a session keeps; older ones are dropped as new ones come.</summary>
    internal const int HistoryLimit = 100;

    private readonly DefaultChatClientProvider _models;
    private readonly ILoggerFactory _loggerFactory;
    private ChatClientAgent? _chat;
    private AgentSession? _session;

    public ChatAgent(DefaultChatClientProvider models, ILoggerFactory loggerFactory)
    {
        _models = models;
        _loggerFactory = loggerFactory;
        OnRequest<JsonElement, ChatReply>("chat", (payload, cancellationToken) => ChatAsync(payload, cancellationToken));
    }

    protected override async ValueTask LoadStateAsync(JsonElement? state, CancellationToken cancellationToken)
    {
        var options = new ChatClientAgentOptions
        {
            Name = Context.Descriptor.Id.Value,
            ChatOptions = new ChatOptions { Instructions = Context.Descriptor.Purpose },
            ChatHistoryProvider = new InMemoryChatHistoryProvider(new InMemoryChatHistoryProviderOptions
            {
#pragma warning disable MEAI001 // Experimental in Microsoft.Extensions.AI 10.11; the chat agent's history test pins its behaviour.
                ChatReducer = new MessageCountingChatReducer(HistoryLimit),
#pragma warning restore MEAI001
                ReducerTriggerEvent = InMemoryChatHistoryProviderOptions.ChatReducerTriggerEvent.AfterMessageAdded,
            }),
        };
        _chat = new ChatClientAgent(_models.ChatClient, options, _loggerFactory, null);
        _session = state is { ValueKind: JsonValueKind.Object } saved
            ? await _chat.DeserializeSessionAsync(saved, JsonSerializerOptions.Web, cancellationToken)
            : await _chat.CreateSessionAsync(cancellationToken);
    }

    protected override async ValueTask<JsonElement?> SaveStateAsync(CancellationToken cancellationToken) =>
        _chat is null || _session is null ? null : await _chat.SerializeSessionAsync(_session, JsonSerializerOptions.Web, cancellationToken);

    private async ValueTask<ChatReply> ChatAsync(JsonElement payload, CancellationToken cancellationToken)
    {
        var text = payload.ValueKind switch
        {
            JsonValueKind.String => payload.GetString(),
            JsonValueKind.Object when payload.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String => message.GetString(),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new AosValidationException("A chat message needs a payload of {\"message\": \"…\"} or a plain string.") { Field = "payload.message" };
        }

        var response = await _chat!.RunAsync(text, _session, null, cancellationToken);
        return new ChatReply(response.Text);
    }

    private sealed record ChatReply(string Text);
}
