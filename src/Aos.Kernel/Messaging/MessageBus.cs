using System.Diagnostics;
using System.Runtime.InteropServices;
using Aos.Conversations;
using Aos.Kernel.Diagnostics;
using Aos.Messaging;
using Aos.Registry;
using Microsoft.Extensions.Options;

namespace Aos.Kernel.Messaging;

/// <summary>
/// Accepts messages for durable delivery: direct sends, topic publishes and broadcasts, each routed to its recipients' inboxes.
/// </summary>
/// <remarks>
/// <para>
/// A message is durable for every recipient in the <see cref="PublishReceipt"/> before the call returns; from then on it is delivered
/// at least once and processed once (receivers de-duplicate by message id), or dead-lettered with the reason. Sending the same id again
/// is safe: recipients that already have it are listed as duplicates and get nothing new.
/// </para>
/// <para>
/// A recipient whose inbox is full of messages at least as urgent refuses the message with <see cref="InboxFullException"/>; the other
/// recipients keep theirs. A message sent to an agent that does not exist is accepted and dead-lettered as <c>target-not-found</c> when
/// delivery finds out. Thread-safe.
/// </para>
/// </remarks>
public sealed class MessageBus
{
    /// <summary>Gets the header that marks a broadcast and carries its agent-id prefix.</summary>
    public const string BroadcastHeader = "aos.broadcast";

    private const int BroadcastPage = 1000;

    private readonly IMessageTransport _transport;
    private readonly IMessageLedger _ledger;
    private readonly IAgentDirectory _directory;
    private readonly IConversationStore _conversations;
    private readonly MessageBusOptions _options;
    private readonly KernelOptions _kernel;
    private readonly TimeProvider _timeProvider;
    private readonly SettlementSignals _signals;

    /// <summary>Initializes a new instance of the <see cref="MessageBus"/> class.</summary>
    /// <param name="transport">The transport that stores and hands out messages.</param>
    /// <param name="ledger">The transport's status and dead-letter side.</param>
    /// <param name="directory">The agent directory, for subscribers and broadcast recipients.</param>
    /// <param name="conversations">The conversation store.</param>
    /// <param name="options">The bus options.</param>
    /// <param name="kernel">The kernel options (payload limit).</param>
    /// <param name="timeProvider">The clock.</param>
    public MessageBus(
        IMessageTransport transport,
        IMessageLedger ledger,
        IAgentDirectory directory,
        IConversationStore conversations,
        IOptions<MessageBusOptions> options,
        IOptions<KernelOptions> kernel,
        TimeProvider timeProvider)
        : this(transport, ledger, directory, conversations, options, kernel, timeProvider, new SettlementSignals())
    {
    }

    internal MessageBus(
        IMessageTransport transport,
        IMessageLedger ledger,
        IAgentDirectory directory,
        IConversationStore conversations,
        IOptions<MessageBusOptions> options,
        IOptions<KernelOptions> kernel,
        TimeProvider timeProvider,
        SettlementSignals signals)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(kernel);
        _transport = transport;
        _ledger = ledger;
        _directory = directory;
        _conversations = conversations;
        _options = options.Value;
        _kernel = kernel.Value;
        _timeProvider = timeProvider;
        _signals = signals;
    }

    /// <summary>The most dead letters one listing for a tenant reads to fill its page.</summary>
    public const int DeadLetterScanLimit = 10_000;

    /// <summary>Gets the clock the bus stamps and expires messages by.</summary>
    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>Sends a message to the agent named by <see cref="Envelope.Target"/>.</summary>
    /// <param name="message">The message; a missing id, timestamp or expiry is filled in.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>What was accepted.</returns>
    /// <exception cref="AosValidationException">The message is invalid; nothing was stored.</exception>
    /// <exception cref="InboxFullException">The target's inbox is full; nothing was stored.</exception>
    public Task<PublishReceipt> SendAsync(Envelope message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Target is null)
        {
            throw new AosValidationException("A message sent to an agent needs a target agent id.") { Field = "target" };
        }

        return RouteAsync(Prepare(message.Topic is null ? message : message with { Topic = null }), admitOverCapacity: false, cancellationToken);
    }

    /// <summary>Sends a message the workflow engine prepared for a step (<see cref="Prepare"/>), as it is.</summary>
    internal Task<PublishReceipt> SendPreparedAsync(Envelope prepared, CancellationToken cancellationToken) =>
        RouteAsync(prepared, admitOverCapacity: false, cancellationToken);

    /// <summary>Publishes a message on <see cref="Envelope.Topic"/> to every agent of its tenant whose subscription matches, but its sender.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>What was accepted; no recipients when nobody subscribes.</returns>
    /// <exception cref="AosValidationException">The message or topic is invalid; nothing was stored.</exception>
    /// <exception cref="InboxFullException">Some subscribers' inboxes are full; the others have the message.</exception>
    public Task<PublishReceipt> PublishAsync(Envelope message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        TopicPattern.ValidateTopic(message.Topic);
        return RouteAsync(Prepare(message.Target is null ? message : message with { Target = null }), admitOverCapacity: false, cancellationToken);
    }

    /// <summary>Sends a message to every agent of its tenant whose id starts with a prefix, but its sender.</summary>
    /// <param name="message">The message.</param>
    /// <param name="idPrefix">The agent-id prefix; empty for every agent.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>What was accepted.</returns>
    /// <exception cref="AosValidationException">The message is invalid; nothing was stored.</exception>
    /// <exception cref="InboxFullException">Some recipients' inboxes are full; the others have the message.</exception>
    public Task<PublishReceipt> BroadcastAsync(Envelope message, string idPrefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(idPrefix);
        var headers = new Dictionary<string, string>(message.Headers, StringComparer.Ordinal) { [BroadcastHeader] = idPrefix };
        return RouteAsync(Prepare(message with { Target = null, Topic = null, Headers = headers }), admitOverCapacity: false, cancellationToken);
    }

    /// <summary>Gets where a message stands for each of its recipients.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One record per recipient; empty when the message is unknown.</returns>
    public ValueTask<IReadOnlyList<MessageRecord>> GetAsync(string messageId, CancellationToken cancellationToken = default) =>
        _ledger.GetAsync(messageId, cancellationToken);

    /// <summary>Waits until no delivery of a message is pending any more (each is delivered or dead-lettered), or the timeout passes.</summary>
    /// <remarks>Settlements are seen on the node that delivers the message, which is the node that accepted it.</remarks>
    /// <param name="messageId">The message id.</param>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The message's records as they stand at the end of the wait; empty when the message is unknown.</returns>
    public async Task<IReadOnlyList<MessageRecord>> WaitForSettledAsync(string messageId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var deadline = _timeProvider.GetUtcNow() + timeout;
        while (true)
        {
            // Listen before reading, so that a settlement between the read and the wait is not missed.
            var next = _signals.Next(messageId);
            var records = await _ledger.GetAsync(messageId, cancellationToken).ConfigureAwait(false);
            var left = deadline - _timeProvider.GetUtcNow();
            if (records.Count == 0 || records.All(r => r.Status != MessageStatus.Pending) || left <= TimeSpan.Zero)
            {
                return records;
            }

            try
            {
                await next.WaitAsync(left, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return await _ledger.GetAsync(messageId, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Lists dead letters, oldest first, one page at a time: every tenant's, or one tenant's.</summary>
    /// <param name="after">The cursor from the previous page, or <see langword="null"/> for the first.</param>
    /// <param name="limit">The page size, 1 to 1,000.</param>
    /// <param name="tenant">Lists only the dead letters of this tenant's messages; <see langword="null"/> for every tenant's.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>
    /// The page. For one tenant it is filled from as many of the transport's pages as it takes, up to <see cref="DeadLetterScanLimit"/>
    /// dead letters read; past that it may hold fewer than <paramref name="limit"/>, and its cursor goes on from where the reading stopped.
    /// </returns>
    public async ValueTask<DeadLetterPage> ListDeadLettersAsync(string? after, int limit, string? tenant = null, CancellationToken cancellationToken = default)
    {
        if (tenant is null)
        {
            return await _ledger.ListDeadLettersAsync(after, limit, cancellationToken).ConfigureAwait(false);
        }

        var items = new List<MessageRecord>();
        var cursor = after;
        var read = 0;
        while (true)
        {
            var page = await _ledger.ListDeadLettersAsync(cursor, limit - items.Count, cancellationToken).ConfigureAwait(false);
            foreach (var record in page.Items)
            {
                if (string.Equals(record.Envelope.Tenant, tenant, StringComparison.Ordinal))
                {
                    items.Add(record);
                }
            }

            read += page.Items.Count;
            cursor = page.Next;
            if (cursor is null || items.Count == limit || read >= DeadLetterScanLimit)
            {
                return new DeadLetterPage(items, cursor);
            }
        }
    }

    /// <summary>Replays a message's dead letters: back in their inboxes with a fresh retry budget and a fresh expiry.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="tenant">Replays only the dead letters of this tenant's message with that id; <see langword="null"/> for every tenant's.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many dead letters were replayed; 0 when the message has none.</returns>
    public ValueTask<int> ReplayAsync(string messageId, string? tenant = null, CancellationToken cancellationToken = default) =>
        _ledger.ReplayAsync(messageId, _timeProvider.GetUtcNow() + _options.DefaultTimeToLive, tenant, cancellationToken);

    /// <summary>Removes a message's dead letters for good, instead of replaying them.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="tenant">Discards only the dead letters of this tenant's message with that id; <see langword="null"/> for every tenant's.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many dead letters were discarded; 0 when the message has none.</returns>
    public async ValueTask<int> DiscardAsync(string messageId, string? tenant = null, CancellationToken cancellationToken = default)
    {
        var discarded = await _ledger.DiscardAsync(messageId, tenant, cancellationToken).ConfigureAwait(false);
        KernelDiagnostics.DeadLettersRemoved.Add(discarded, new KeyValuePair<string, object?>("aos.reason", "discarded"));
        return discarded;
    }

    /// <summary>Gets how many messages wait in an agent's inbox on this node.</summary>
    /// <param name="agentId">The agent.</param>
    /// <returns>The inbox depth.</returns>
    public int GetInboxDepth(AgentId agentId) => _ledger.GetInboxDepth(agentId);

    /// <summary>Fills in what the sender left out (id, timestamp, expiry, trace context) and checks the message.</summary>
    /// <param name="message">The message.</param>
    /// <param name="forWorkflowStep">Whether the workflow engine sends it for a step, the one sender that may name a step as its reply address.</param>
    internal Envelope Prepare(Envelope message, bool forWorkflowStep = false)
    {
        if (!forWorkflowStep)
        {
            Replies.ValidateAddress(message.ReplyTo);
        }

        var now = _timeProvider.GetUtcNow();
        var prepared = message with
        {
            Id = string.IsNullOrWhiteSpace(message.Id) ? MessageIds.New(now) : message.Id,
            Timestamp = message.Timestamp == default ? now : message.Timestamp,
            ExpiresAt = message.ExpiresAt ?? now + _options.DefaultTimeToLive,
        };
        Validate(prepared, now);
        return WithTraceContext(prepared);
    }

    /// <summary>The header that carries a message's W3C trace parent.</summary>
    internal const string TraceParentHeader = "traceparent";

    /// <summary>The header that carries a message's W3C trace state.</summary>
    internal const string TraceStateHeader = "tracestate";

    /// <summary>Gets how long a message lives when its sender gave no expiry.</summary>
    internal TimeSpan DefaultTimeToLive => _options.DefaultTimeToLive;

    /// <summary>Stamps the current activity's W3C trace context on a message, so that its receiver's turn continues the trace.</summary>
    internal static Envelope WithTraceContext(Envelope message)
    {
        if (Activity.Current is not { } activity || message.Headers.ContainsKey(TraceParentHeader))
        {
            return message;
        }

        var headers = new Dictionary<string, string>(message.Headers, StringComparer.Ordinal) { [TraceParentHeader] = activity.Id! };
        if (activity.TraceStateString is { Length: > 0 } state)
        {
            headers[TraceStateHeader] = state;
        }

        return message with { Headers = headers };
    }

    /// <summary>Resolves a prepared message's recipients and stores it for each, durably.</summary>
    internal async Task<PublishReceipt> RouteAsync(Envelope message, bool admitOverCapacity, CancellationToken cancellationToken) =>
        (await RouteAsync([message], admitOverCapacity, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Resolves prepared messages' recipients and stores them, in order, in one transport call.</summary>
    /// <exception cref="InboxFullException">Some recipients refused; every other delivery is durable.</exception>
    internal async Task<IReadOnlyList<PublishReceipt>> RouteAsync(IReadOnlyList<Envelope> messages, bool admitOverCapacity, CancellationToken cancellationToken)
    {
        // Runs once per publish: the lists below are made only when needed, since a publish is mostly one message to one recipient.
        var recipientsOf = new IReadOnlyList<AgentId>[messages.Count];
        var deliveries = new List<TransportMessage>(messages.Count);
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            var recipients = await ResolveAsync(message, cancellationToken).ConfigureAwait(false);
            recipientsOf[m] = recipients;
            for (var r = 0; r < recipients.Count; r++)
            {
                deliveries.Add(TransportMessage.For(message, recipients[r]));
            }
        }

        var outcomes = deliveries.Count == 0
            ? []
            : await _transport.EnqueueAsync(deliveries, admitOverCapacity, cancellationToken).ConfigureAwait(false);
        var taken = await FindTakenAsync(deliveries, outcomes, cancellationToken).ConfigureAwait(false);
        var receipts = new PublishReceipt[messages.Count];
        List<(Envelope Message, IReadOnlyList<AgentId> Recipients)>? history = null;
        List<AgentId>? refused = null;
        Envelope? refusedMessage = null;
        List<AgentId>? takenFor = null;
        Envelope? takenMessage = null;
        var others = 0;
        var index = 0;
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            var recipients = recipientsOf[m];
            var accepted = new List<AgentId>(recipients.Count);
            List<AgentId>? duplicates = null;
            var refusedHere = 0;
            List<AgentId>? takenHere = null;
            for (var r = 0; r < recipients.Count; r++)
            {
                var recipient = recipients[r];
                if (taken?[index] == true)
                {
                    index++;
                    (takenHere ??= []).Add(recipient);
                    continue;
                }

                switch (outcomes[index++])
                {
                    case EnqueueOutcome.Accepted: accepted.Add(recipient); break;
                    case EnqueueOutcome.AcceptedShedding:
                        accepted.Add(recipient);
                        KernelDiagnostics.MessagesDeadLettered.Add(1, new KeyValuePair<string, object?>("aos.reason", DeadLetterReasons.Shed));
                        break;
                    case EnqueueOutcome.Duplicate: (duplicates ??= []).Add(recipient); break;
                    default: (refused ??= []).Add(recipient); refusedHere++; break;
                }
            }

            var duplicateCount = duplicates?.Count ?? 0;
            if (refusedHere > 0)
            {
                refusedMessage ??= message;
                others += accepted.Count + duplicateCount;
            }
            else if (takenHere is not null)
            {
                takenMessage ??= message;
                (takenFor ??= []).AddRange(takenHere);
                others += accepted.Count + duplicateCount;
            }

            if (accepted.Count > 0)
            {
                KernelDiagnostics.MessagesPublished.Add(accepted.Count, new KeyValuePair<string, object?>("aos.message.kind", Kind(message)));
            }

            if (duplicateCount > 0)
            {
                KernelDiagnostics.MessagesDeduplicated.Add(duplicateCount, new KeyValuePair<string, object?>("aos.message.kind", Kind(message)));
            }

            // Duplicates too: a retry after a failed history write records it then (the history ignores ids it has).
            if (accepted.Count + duplicateCount > 0)
            {
                (history ??= new(messages.Count)).Add((InTenantScope(message), duplicates is null ? accepted : [.. accepted, .. duplicates]));
            }

            receipts[m] = new PublishReceipt(message.Id, accepted, (IReadOnlyList<AgentId>?)duplicates ?? []) { Taken = (IReadOnlyList<AgentId>?)takenHere ?? [] };
        }

        if (history is not null)
        {
            await _conversations.RecordAsync(history, cancellationToken).ConfigureAwait(false);
        }

        if (refusedMessage is not null)
        {
            KernelDiagnostics.MessagesRefused.Add(refused!.Count);
            throw Refusal(refusedMessage, refused, others);
        }

        // The relay of committed turns' messages (admitted over capacity) cannot tell its sender: it reads the receipts' Taken instead.
        if (takenMessage is not null && !admitOverCapacity)
        {
            throw new MessageIdTakenException(
                $"Message id '{takenMessage.Id}' is already taken for {Names(takenFor!)} by a message of another tenant, so it was not stored for " +
                $"{(takenFor!.Count == 1 ? "it" : "them")}. Send it again with another id.{Others(others)}")
            {
                MessageId = takenMessage.Id,
            };
        }

        return receipts;
    }

    /// <summary>
    /// Finds the duplicates that are no duplicates: the stored message with the id is another tenant's. The recipient never got it (to
    /// that tenant the recipient does not exist), so this sender must hear that the id is taken, not that its message is already there.
    /// </summary>
    /// <returns>Which deliveries clash, or <see langword="null"/> when none does; a send without duplicates reads nothing.</returns>
    private async ValueTask<bool[]?> FindTakenAsync(List<TransportMessage> deliveries, IReadOnlyList<EnqueueOutcome> outcomes, CancellationToken cancellationToken)
    {
        bool[]? taken = null;
        Dictionary<string, IReadOnlyList<MessageRecord>>? stored = null;
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i] != EnqueueOutcome.Duplicate)
            {
                continue;
            }

            var delivery = deliveries[i];
            stored ??= new(StringComparer.Ordinal);
            if (!stored.TryGetValue(delivery.Envelope.Id, out var records))
            {
                records = await _ledger.GetAsync(delivery.Envelope.Id, cancellationToken).ConfigureAwait(false);
                stored[delivery.Envelope.Id] = records;
            }

            foreach (var record in records)
            {
                if (record.Recipient == delivery.Recipient && !string.Equals(record.Envelope.Tenant, delivery.Envelope.Tenant, StringComparison.Ordinal))
                {
                    (taken ??= new bool[outcomes.Count])[i] = true;
                    break;
                }
            }
        }

        return taken;
    }

    private static string Names(List<AgentId> agents) =>
        string.Join(", ", agents.Take(5).Select(r => $"'{r}'")) + (agents.Count > 5 ? $" and {agents.Count - 5} more" : string.Empty);

    private static string Others(int others) =>
        others > 0 ? $" The message is durable for the other {others} recipient(s); sending it again with the same id does not repeat it for them." : string.Empty;

    private InboxFullException Refusal(Envelope message, List<AgentId> refused, int others)
    {
        var names = Names(refused);
        var rest = Others(others);
        return new InboxFullException(
            $"The inbox of {names} is full ({_options.InboxCapacity} messages at least as urgent as this {message.Priority.ToString().ToLowerInvariant()} one); message '{message.Id}' was not stored for {(refused.Count == 1 ? "it" : "them")}. " +
            $"Retry after {_options.RefusalRetryAfter.TotalSeconds:0.###} s, or send with a higher priority.{rest}")
        {
            Recipient = refused[0].Value,
            RetryAfter = _options.RefusalRetryAfter,
        };
    }

    private static bool Contains(IReadOnlyList<AgentId> agents, string id)
    {
        for (var i = 0; i < agents.Count; i++)
        {
            if (string.Equals(agents[i].Value, id, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<IReadOnlyList<AgentId>> ResolveAsync(Envelope message, CancellationToken cancellationToken)
    {
        if (message.Target is { } target)
        {
            return [target];
        }

        var sender = message.Source;
        if (message.Topic is { } topic)
        {
            // An agent that lists message types gets only those: the others are not stored for it (its turn would drop them anyway).
            var subscribers = await _directory.GetSubscribersAsync(message.Tenant, topic, message.Type, cancellationToken).ConfigureAwait(false);
            return sender is null || !Contains(subscribers, sender)
                ? subscribers
                : [.. subscribers.Where(s => !string.Equals(s.Value, sender, StringComparison.Ordinal))];
        }

        var prefix = message.Headers.GetValueOrDefault(BroadcastHeader) ?? string.Empty;
        var recipients = new List<AgentId>();
        string? after = null;
        while (true)
        {
            var page = await _directory.ListIdsAsync(message.Tenant, prefix, after, BroadcastPage, cancellationToken).ConfigureAwait(false);
            recipients.AddRange(page.Where(id => !string.Equals(id.Value, sender, StringComparison.Ordinal)));
            if (page.Count < BroadcastPage)
            {
                return recipients;
            }

            after = page[^1].Value;
        }
    }

    private void Validate(Envelope message, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(message.Type))
        {
            throw new AosValidationException("A message needs a type, for instance 'order.created'.") { Field = "type" };
        }

        if (message.Type.Length > 256 || message.Id.Length > 256)
        {
            throw new AosValidationException("A message's type and id must each be at most 256 characters.") { Field = message.Type.Length > 256 ? "type" : "id" };
        }

        if (!Enum.IsDefined(message.Priority))
        {
            throw new AosValidationException($"Priority {(int)message.Priority} is not one of low, normal, high, critical.") { Field = "priority" };
        }

        if (message.ExpiresAt <= now)
        {
            throw new AosValidationException($"The message expired at {message.ExpiresAt:O}, before it was sent; give a later expiry or a positive time to live.") { Field = "expiresAt" };
        }

        if (message.Tenant != Security.AosTenants.Default)
        {
            Security.AosTenants.Validate(message.Tenant);
        }

        if (message.ConversationId is { Length: > 256 })
        {
            throw new AosValidationException("A conversation id must be at most 256 characters.") { Field = "conversationId" };
        }

        if (message.ConversationId is { } conversation && conversation.Any(char.IsControl))
        {
            throw new AosValidationException("A conversation id must not hold control characters.") { Field = "conversationId" };
        }

        if (message.Payload is { } payload && JsonMarshal.GetRawUtf8Value(payload).Length is var size && size > _kernel.MaxPayloadBytes)
        {
            throw new AosValidationException($"The payload is {size} bytes; the limit is {_kernel.MaxPayloadBytes} bytes (Aos:Kernel:MaxPayloadBytes).")
            {
                Field = "payload",
                TooLarge = true,
            };
        }
    }

    /// <summary>Gives a message its conversation as the conversation store keys it: equal conversation ids of two tenants are two conversations.</summary>
    private static Envelope InTenantScope(Envelope message) =>
        message.ConversationId is { } conversation && message.Tenant != Security.AosTenants.Default
            ? message with { ConversationId = Security.AosTenants.Scope(message.Tenant, conversation) }
            : message;

    private static string Kind(Envelope message) =>
        message.Target is not null ? "send" : message.Topic is not null ? "publish" : "broadcast";
}
