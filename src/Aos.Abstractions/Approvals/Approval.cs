namespace Aos.Approvals;

/// <summary>
/// A durable request for a human (or agent) decision: who may decide, by when, who is asked next when nobody answers in time,
/// and what was decided, by whom, with which comments.
/// </summary>
/// <remarks>An approval is immutable: every change produces a new one. It survives restarts; its deadlines fire by themselves.</remarks>
[GenerateSerializer, Immutable, Alias("aos.approval")]
public sealed record Approval
{
    /// <summary>Gets the approval id.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>Gets what is to be approved.</summary>
    [Id(1)] public required string Title { get; init; }

    /// <summary>Gets more detail for the approvers.</summary>
    [Id(2)] public string? Description { get; init; }

    /// <summary>Gets who asked.</summary>
    [Id(3)] public required string RequestedBy { get; init; }

    /// <summary>Gets the escalation chain: the approvers asked first, then the ones asked when each deadline passes.</summary>
    [Id(4)] public required ApprovalStage[] Stages { get; init; }

    /// <summary>Gets the index in <see cref="Stages"/> of the approvers asked now.</summary>
    [Id(5)] public int Stage { get; init; }

    /// <summary>Gets how many distinct approvers must approve (a single denial decides).</summary>
    [Id(6)] public int RequiredApprovals { get; init; } = 1;

    /// <summary>Gets the status: <c>pending</c>, <c>approved</c>, <c>denied</c> or <c>expired</c>.</summary>
    [Id(7)] public string Status { get; init; } = ApprovalStatus.Pending;

    /// <summary>Gets when the current stage's deadline passes, while pending.</summary>
    [Id(8)] public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>Gets the approvals and the denial given so far.</summary>
    [Id(9)] public ApprovalVote[] Votes { get; init; } = [];

    /// <summary>Gets the comments, oldest first.</summary>
    [Id(10)] public ApprovalComment[] Comments { get; init; } = [];

    /// <summary>Gets what happened, oldest first: created, escalated, approved, denied, expired, commented.</summary>
    [Id(11)] public ApprovalEvent[] History { get; init; } = [];

    /// <summary>Gets context for the approvers, a JSON object.</summary>
    [Id(12)] public string Context { get; init; } = "{}";

    /// <summary>Gets when the approval was requested.</summary>
    [Id(13)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when it last changed.</summary>
    [Id(14)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets the version, incremented by every change.</summary>
    [Id(15)] public long Version { get; init; }

    /// <summary>Gets the workflow step told when the approval is decided or expires (<c>run/step/attempt/iteration</c>), if any.</summary>
    [Id(16)] public string? Notify { get; init; }

    /// <summary>Gets the tenant the approval belongs to: only principals acting in it see or decide it.</summary>
    /// <value>The default is <see cref="Security.AosTenants.Default"/>.</value>
    [Id(17)] public string Tenant { get; init; } = Security.AosTenants.Default;

    /// <summary>Gets the approvers asked now.</summary>
    public IReadOnlyList<string> CurrentApprovers => Stages[Stage].Approvers;
}

/// <summary>One step of an escalation chain: who is asked, and how long they have.</summary>
/// <param name="Approvers">Users (<c>user:alice</c>, or just <c>alice</c>) and roles (<c>role:finance</c>).</param>
/// <param name="Timeout">How long this stage waits for a decision before the next stage is asked (or the approval expires, after the last).</param>
[GenerateSerializer, Immutable, Alias("aos.approval-stage")]
public sealed record ApprovalStage([property: Id(0)] string[] Approvers, [property: Id(1)] TimeSpan Timeout);

/// <summary>An approver's decision.</summary>
/// <param name="By">Who decided.</param>
/// <param name="Approved">Whether they approved (otherwise denied).</param>
/// <param name="At">When.</param>
/// <param name="Comment">Why, if they said.</param>
[GenerateSerializer, Immutable, Alias("aos.approval-vote")]
public sealed record ApprovalVote([property: Id(0)] string By, [property: Id(1)] bool Approved, [property: Id(2)] DateTimeOffset At, [property: Id(3)] string? Comment);

/// <summary>A comment on an approval.</summary>
/// <param name="By">Who wrote it.</param>
/// <param name="At">When.</param>
/// <param name="Text">The comment.</param>
[GenerateSerializer, Immutable, Alias("aos.approval-comment")]
public sealed record ApprovalComment([property: Id(0)] string By, [property: Id(1)] DateTimeOffset At, [property: Id(2)] string Text);

/// <summary>Something that happened to an approval.</summary>
/// <param name="Kind"><c>created</c>, <c>escalated</c>, <c>approved</c>, <c>denied</c>, <c>expired</c>, <c>voted</c> or <c>commented</c>.</param>
/// <param name="At">When.</param>
/// <param name="By">Who (<c>timer</c> for a deadline).</param>
/// <param name="Detail">What, in words.</param>
[GenerateSerializer, Immutable, Alias("aos.approval-event")]
public sealed record ApprovalEvent([property: Id(0)] string Kind, [property: Id(1)] DateTimeOffset At, [property: Id(2)] string By, [property: Id(3)] string Detail);

/// <summary>The statuses of an <see cref="Approval"/>.</summary>
public static class ApprovalStatus
{
    /// <summary>Waiting for a decision.</summary>
    public const string Pending = "pending";

    /// <summary>Approved by the required number of approvers.</summary>
    public const string Approved = "approved";

    /// <summary>Denied by an approver.</summary>
    public const string Denied = "denied";

    /// <summary>The last stage's deadline passed without a decision.</summary>
    public const string Expired = "expired";
}
