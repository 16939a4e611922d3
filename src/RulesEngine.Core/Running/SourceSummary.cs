namespace RulesEngine.Core.Running;

/// <summary>What a run is about to do, known before any row is processed.</summary>
/// <param name="ToProcess">Rows it will send through the steps.</param>
/// <param name="AlreadyRecorded">Rows the source returned that the state file already knew (passed over).</param>
/// <param name="SkippedExisting">A first run with <c>"existingRows": "skip"</c>: rows already there are skipped.</param>
internal sealed record SourceSummary(int ToProcess, int AlreadyRecorded, bool SkippedExisting);
