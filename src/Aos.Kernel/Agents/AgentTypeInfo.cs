using Aos.Agents;

namespace Aos.Kernel.Agents;

/// <summary>Describes an agent type that this host can run.</summary>
public sealed record AgentTypeInfo
{
    /// <summary>Gets the type name agents are registered with.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the type's version.</summary>
    public required string Version { get; init; }

    /// <summary>Gets what agents of this type do.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the class that implements the type.</summary>
    public required Type ImplementationType { get; init; }

    /// <summary>Gets a check run before an agent of this type is registered; it throws <see cref="AosValidationException"/> to refuse.</summary>
    public Action<IServiceProvider, AgentDescriptor>? Validate { get; init; }
}
