using Aos.Messaging;
using Aos.Security;

namespace Aos.Kernel.Workflows;

/// <summary>Asks for a run of a workflow.</summary>
[GenerateSerializer, Immutable, Alias("aos.workflow-start-request")]
public sealed record WorkflowStartRequest
{
    /// <summary>Gets the workflow's name.</summary>
    [Id(0)] public required string Workflow { get; init; }

    /// <summary>Gets the run's input, a JSON value, if any.</summary>
    [Id(1)] public string? Input { get; init; }

    /// <summary>Gets the run's priority.</summary>
    [Id(2)] public MessagePriority Priority { get; init; } = MessagePriority.Normal;

    /// <summary>Gets the parent step of a child run, if any.</summary>
    [Id(3)] public WorkflowStepAddress? Parent { get; init; }

    /// <summary>Gets the tenant the run belongs to, whose definition of the workflow it runs.</summary>
    /// <value>The default is <see cref="AosTenants.Default"/>.</value>
    [Id(4)] public string Tenant { get; init; } = AosTenants.Default;
}
