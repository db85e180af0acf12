using System.Text.Json;

namespace Aos.Agents;

/// <summary>Provides typed access to an <see cref="IAgentContextStore"/>.</summary>
public static class AgentContextStoreExtensions
{
    /// <summary>Gets a key/value entry as <typeparamref name="T"/>, or a default when the key is not set.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">The value returned when the key is not set.</param>
    /// <returns>The value.</returns>
    public static T GetValue<T>(this IAgentContextStore store, string key, T defaultValue)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Values.TryGetValue(key, out var value) && value.Deserialize<T>(JsonSerializerOptions.Web) is { } typed
            ? typed
            : defaultValue;
    }

    /// <summary>Sets a key/value entry from a value of any serializable type.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public static void SetValue<T>(this IAgentContextStore store, string key, T value)
    {
        ArgumentNullException.ThrowIfNull(store);
        store.SetValue(key, JsonSerializer.SerializeToElement(value, JsonSerializerOptions.Web));
    }

    /// <summary>Remembers a piece of text.</summary>
    /// <param name="store">The store.</param>
    /// <param name="content">What to remember.</param>
    /// <param name="tags">Tags for finding it again.</param>
    public static void Remember(this IAgentContextStore store, string content, IReadOnlyDictionary<string, string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        store.Remember(new MemoryItem { Content = content, Tags = tags ?? new Dictionary<string, string>() });
    }
}
