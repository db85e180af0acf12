using Aos.Agents;

namespace Aos.Registry;

/// <summary>Checks and stamps descriptors before an <see cref="IAgentDirectory"/> adds them, the same way in every directory.</summary>
public static class AgentDescriptors
{
    /// <summary>Checks each descriptor has an id and a type, stamps a missing creation time, and finds ids given twice.</summary>
    /// <param name="descriptors">The descriptors to add.</param>
    /// <param name="now">The creation time of descriptors that have none.</param>
    /// <param name="duplicates">Ids that appear more than once in <paramref name="descriptors"/>; such a list is refused like one with taken ids.</param>
    /// <returns>The descriptors, in order, stamped.</returns>
    /// <exception cref="AosValidationException">A descriptor is null, or has no id or no type.</exception>
    public static AgentDescriptor[] PrepareForAdd(IReadOnlyList<AgentDescriptor> descriptors, DateTimeOffset now, out List<AgentId> duplicates)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        var stamped = new AgentDescriptor[descriptors.Count];
        var seen = new HashSet<string>(descriptors.Count, StringComparer.Ordinal);
        duplicates = [];
        for (var i = 0; i < stamped.Length; i++)
        {
            var descriptor = descriptors[i] ?? throw new AosValidationException($"Descriptor {i} is null.") { Field = "descriptors" };
            if (descriptor.Id.Value is null)
            {
                throw new AosValidationException($"Descriptor {i} has no id; give every agent an id of 1 to {AgentId.MaxLength} characters from [A-Za-z0-9._-].") { Field = "id" };
            }

            if (string.IsNullOrEmpty(descriptor.Type))
            {
                throw new AosValidationException($"Agent '{descriptor.Id}' has no type; set it to the name in the agent class's [AgentType] attribute.") { Field = "type" };
            }

            if (!seen.Add(descriptor.Id.Value))
            {
                duplicates.Add(descriptor.Id);
            }

            stamped[i] = descriptor.CreatedAt == default ? descriptor with { CreatedAt = now } : descriptor;
        }

        return stamped;
    }
}
