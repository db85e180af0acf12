namespace Aos.Agents;

/// <summary>
/// Marks a class derived from <see cref="Agent"/> as an agent type that AOS can register, under a name.
/// </summary>
/// <remarks>AOS discovers marked types in the assemblies given to <c>AddAgentsFromAssembly</c>, or one by one with <c>AddAgent&lt;T&gt;</c>.</remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AgentTypeAttribute : Attribute
{
    /// <summary>Initializes a new instance of the <see cref="AgentTypeAttribute"/> class.</summary>
    /// <param name="name">The type name agents are registered with, for instance <c>invoice-clerk</c>.</param>
    public AgentTypeAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>Gets the type name agents are registered with.</summary>
    public string Name { get; }

    /// <summary>Gets or sets the version of the agent type.</summary>
    /// <value>The default is <c>1</c>.</value>
    public string Version { get; set; } = "1";

    /// <summary>Gets or sets what agents of this type do, in one sentence.</summary>
    public string? Description { get; set; }
}
