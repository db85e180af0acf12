namespace Aos.SystemCalls;

/// <summary>Names the system calls agents make through <see cref="Agents.IAgentContext"/>; HTTP actions are named by their routes.</summary>
public static class SystemCallNames
{
    /// <summary>An agent sends a message to another agent.</summary>
    public const string MessageSend = "message.send";

    /// <summary>An agent sends a request and waits for the reply.</summary>
    public const string MessageRequest = "message.request";

    /// <summary>An agent publishes a message on a topic.</summary>
    public const string MessagePublish = "message.publish";

    /// <summary>An agent broadcasts a message to the agents whose id starts with a prefix.</summary>
    public const string MessageBroadcast = "message.broadcast";

    /// <summary>An agent subscribes to a topic pattern.</summary>
    public const string SubscriptionAdd = "subscription.add";

    /// <summary>An agent drops a subscription.</summary>
    public const string SubscriptionRemove = "subscription.remove";

    /// <summary>An agent schedules a wake-up.</summary>
    public const string WakeUpSchedule = "wake-up.schedule";

    /// <summary>An agent cancels a wake-up.</summary>
    public const string WakeUpCancel = "wake-up.cancel";

    /// <summary>An agent writes to a store: puts a blob, adds or upserts an entity or document, enqueues or completes a queue message.</summary>
    public const string StorageWrite = "storage.write";

    /// <summary>An agent deletes from a store: a blob, an entity or a document.</summary>
    public const string StorageDelete = "storage.delete";

    /// <summary>Gets every system call an agent can make.</summary>
    public static IReadOnlyList<string> AgentCalls { get; } =
    [
        MessageSend, MessageRequest, MessagePublish, MessageBroadcast, SubscriptionAdd, SubscriptionRemove, WakeUpSchedule, WakeUpCancel,
        StorageWrite, StorageDelete,
    ];
}
