namespace Aos.Approvals;

/// <summary>What is needed to ask for an approval.</summary>
[GenerateSerializer, Immutable, Alias("aos.approval-request")]
public sealed record ApprovalRequest
{
    /// <summary>Gets the approval id, or <see langword="null"/> for a new one.</summary>
    [Id(0)] public string? Id { get; init; }

    /// <summary>Gets what is to be approved.</summary>
    [Id(1)] public required string Title { get; init; }

    /// <summary>Gets more detail for the approvers.</summary>
    [Id(2)] public string? Description { get; init; }

    /// <summary>Gets who asks.</summary>
    [Id(3)] public required string RequestedBy { get; init; }

    /// <summary>Gets the escalation chain: the approvers asked first with their deadline, then whom to ask when each deadline passes.</summary>
    [Id(4)] public required ApprovalStage[] Stages { get; init; }

    /// <summary>Gets how many distinct approvers must approve; 1 by default.</summary>
    [Id(5)] public int RequiredApprovals { get; init; } = 1;

    /// <summary>Gets context for the approvers, a JSON object, or <see langword="null"/>.</summary>
    [Id(6)] public string? Context { get; init; }

    /// <summary>Gets the workflow step to tell when the approval is decided or expires (<c>run/step/attempt/iteration</c>), if any.</summary>
    [Id(7)] public string? Notify { get; init; }

    /// <summary>Gets the tenant the approval belongs to: only principals acting in it see or decide it.</summary>
    /// <value>The default is <see cref="Security.AosTenants.Default"/>.</value>
    [Id(8)] public string Tenant { get; init; } = Security.AosTenants.Default;
}
