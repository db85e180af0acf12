using System.Reflection;
using Aos.Agents;

namespace Aos.Kernel.Agents;

/// <summary>
/// Holds the agent types this host can run, by name.
/// </summary>
/// <remarks>Built once at start from the registered types; read-only and thread-safe afterwards.</remarks>
public sealed class AgentTypeCatalog
{
    private readonly Dictionary<string, AgentTypeInfo> _types;

    /// <summary>Initializes a new instance of the <see cref="AgentTypeCatalog"/> class.</summary>
    /// <param name="types">The agent types.</param>
    /// <exception cref="InvalidOperationException">Two types share a name.</exception>
    public AgentTypeCatalog(IEnumerable<AgentTypeInfo> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        _types = new Dictionary<string, AgentTypeInfo>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            if (_types.TryGetValue(type.Name, out var existing) && existing.ImplementationType != type.ImplementationType)
            {
                throw new InvalidOperationException(
                    $"Agent type name '{type.Name}' is used by both {existing.ImplementationType.FullName} and {type.ImplementationType.FullName}; give one of them another [AgentType] name.");
            }

            _types[type.Name] = type;
        }
    }

    /// <summary>Gets every agent type, ordered by name.</summary>
    public IReadOnlyList<AgentTypeInfo> All => [.. _types.Values.OrderBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>Finds an agent type by name.</summary>
    /// <param name="name">The type name.</param>
    /// <param name="type">The type, when found.</param>
    /// <returns><see langword="true"/> when the type exists.</returns>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AgentTypeInfo? type) => _types.TryGetValue(name, out type);

    /// <summary>Gets an agent type by name, or throws an <see cref="AosValidationException"/> that lists the known types.</summary>
    /// <param name="name">The type name.</param>
    /// <returns>The type.</returns>
    public AgentTypeInfo Get(string name) =>
        TryGet(name, out var type)
            ? type
            : throw new AosValidationException($"Unknown agent type '{name}'. Known types: {string.Join(", ", _types.Keys.Order(StringComparer.Ordinal))}. List them with 'aos agents types'.")
            {
                Field = "type",
            };

    /// <summary>Describes a class marked with <see cref="AgentTypeAttribute"/>.</summary>
    /// <param name="implementationType">The class.</param>
    /// <param name="validate">A check run before an agent of this type is registered.</param>
    /// <returns>The type's description.</returns>
    /// <exception cref="ArgumentException">The class is not a concrete agent marked with <see cref="AgentTypeAttribute"/>.</exception>
    public static AgentTypeInfo Describe(Type implementationType, Action<IServiceProvider, AgentDescriptor>? validate = null)
    {
        ArgumentNullException.ThrowIfNull(implementationType);
        if (!typeof(Agent).IsAssignableFrom(implementationType) || implementationType.IsAbstract)
        {
            throw new ArgumentException($"{implementationType.FullName} is not a concrete class derived from Aos.Agents.Agent.", nameof(implementationType));
        }

        var attribute = implementationType.GetCustomAttribute<AgentTypeAttribute>()
            ?? throw new ArgumentException($"{implementationType.FullName} has no [AgentType(\"name\")] attribute.", nameof(implementationType));
        return new AgentTypeInfo
        {
            Name = attribute.Name,
            Version = attribute.Version,
            Description = attribute.Description,
            ImplementationType = implementationType,
            Validate = validate,
        };
    }

    /// <summary>Finds every class marked with <see cref="AgentTypeAttribute"/> in an assembly.</summary>
    /// <param name="assembly">The assembly.</param>
    /// <returns>The types found.</returns>
    public static IEnumerable<AgentTypeInfo> Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Agent).IsAssignableFrom(t) && t.IsDefined(typeof(AgentTypeAttribute), inherit: false))
            .Select(t => Describe(t));
    }
}
