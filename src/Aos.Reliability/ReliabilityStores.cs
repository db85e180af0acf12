namespace Aos.Reliability;

/// <summary>Names the stores the reliability service keeps its records in.</summary>
public static class ReliabilityStores
{
    /// <summary>Gets the document store of idempotency entries, on whatever backend configuration assigns it (PostgreSQL in cluster mode).</summary>
    public const string Documents = "aos-reliability";
}
