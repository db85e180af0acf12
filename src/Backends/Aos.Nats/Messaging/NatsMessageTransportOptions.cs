using Aos.Messaging;

namespace Aos.Nats.Messaging;

/// <summary>Configures the NATS JetStream message transport: where the server is and how its stream and bucket are named.</summary>
/// <remarks>
/// The transport keeps its messages in the stream <c>{StreamPrefix}_MESSAGES</c> (subject <c>{StreamPrefix}.messages</c>) and their
/// status in the key-value bucket <c>{StreamPrefix}_LEDGER</c>, both on file storage. Retries, expiry and inbox capacity come from
/// <see cref="MessageBusOptions"/>. Bound from <c>Aos:Nats:Transport</c>.
/// </remarks>
public sealed class NatsMessageTransportOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Nats:Transport";

    /// <summary>Gets or sets the URL of the NATS server, with JetStream enabled.</summary>
    /// <value>The default is <c>nats://127.0.0.1:4222</c>.</value>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>Gets or sets the prefix of the stream, subject and bucket names: letters, digits, <c>_</c> and <c>-</c>.</summary>
    /// <remarks>Exactly one running transport may use a prefix at a time: give each node its own prefix.</remarks>
    /// <value>The default is <c>AOS</c>.</value>
    public string StreamPrefix { get; set; } = "AOS";

    /// <summary>Gets or sets how many copies of the stream and the bucket a JetStream cluster keeps.</summary>
    /// <value>The default is 1; use 3 on a three-server cluster.</value>
    public int Replicas { get; set; } = 1;

    /// <summary>Gets or sets how long JetStream recognises a re-published message by its id, which makes a retried publish safe.</summary>
    /// <remarks>Duplicate detection of the bus does not depend on it: the ledger bucket remembers every message it holds.</remarks>
    /// <value>The default is 2 minutes.</value>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets the client name the connection reports to the server, shown by its monitoring.</summary>
    /// <value>The default is <c>aos</c>.</value>
    public string ClientName { get; set; } = "aos";

    /// <summary>Checks the options and lists what is wrong, naming each option.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss"))
        {
            yield return $"Aos:Nats:Transport:Url is '{Url}'; use a NATS URL such as 'nats://127.0.0.1:4222'.";
        }

        if (string.IsNullOrEmpty(StreamPrefix) || StreamPrefix.Length > 64 || !StreamPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            yield return $"Aos:Nats:Transport:StreamPrefix is '{StreamPrefix}'; use 1 to 64 letters, digits, '_' or '-'.";
        }

        if (Replicas is < 1 or > 5)
        {
            yield return $"Aos:Nats:Transport:Replicas is {Replicas}; use 1 to 5.";
        }

        if (DuplicateWindow <= TimeSpan.Zero)
        {
            yield return $"Aos:Nats:Transport:DuplicateWindow is {DuplicateWindow}; it must be positive.";
        }

        if (string.IsNullOrWhiteSpace(ClientName))
        {
            yield return "Aos:Nats:Transport:ClientName must not be empty.";
        }
    }
}
