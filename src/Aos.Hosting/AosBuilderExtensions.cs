using System.Reflection;
using Aos.Agents;
using Aos.Kernel;

namespace Aos.Hosting;

/// <summary>Adds agent types to AOS.</summary>
public static class AosBuilderExtensions
{
    /// <summary>Registers an agent type marked with <see cref="AgentTypeAttribute"/>.</summary>
    /// <typeparam name="TAgent">The agent class.</typeparam>
    /// <param name="builder">The AOS builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IAosBuilder AddAgent<TAgent>(this IAosBuilder builder)
        where TAgent : Agent
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAgent<TAgent>();
        return builder;
    }

    /// <summary>Registers every agent type marked with <see cref="AgentTypeAttribute"/> in an assembly.</summary>
    /// <param name="builder">The AOS builder.</param>
    /// <param name="assembly">The assembly to search.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IAosBuilder AddAgentsFromAssembly(this IAosBuilder builder, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAgentsFromAssembly(assembly);
        return builder;
    }
}
