namespace Aos.Reliability;

/// <summary>Names the reliability service's meter.</summary>
internal static class ReliabilityTelemetry
{
    public const string Name = "Aos.Reliability";
}
