using System.Runtime.InteropServices;

namespace RulesEngine.Cli.Hosting;

/// <summary>
/// Turns transparent huge pages off for this process. Where the kernel's setting is "always" (Debian's default, and the
/// bench machine's), the kernel's khugepaged thread may at any moment back a 2 MB stretch of the runtime's reserved
/// memory with one huge page, all of it resident although a few bytes were used: a 100,000-row run's peak went from
/// about 148 MB to 195 to 220 MB in about one run of four, always by the same ~30 MB mapping during the first batch,
/// and never in the runs with huge pages off (docs/performance.md). A process of this size gains nothing from huge
/// pages. The kernel setting is the machine's, so the process opts out for itself (Linux 3.15+:
/// <c>prctl(PR_SET_THP_DISABLE)</c>, inherited by child processes); it should come before the process maps much.
/// </summary>
internal static class HugePages
{
    // linux/prctl.h: #define PR_SET_THP_DISABLE 41; PR_GET_THP_DISABLE 42.
    private const int SetThpDisable = 41;
    private const int GetThpDisable = 42;

    /// <summary>Opts out; false where this is not Linux or the kernel refused (then nothing changed).</summary>
    public static bool DisableForThisProcess() => OperatingSystem.IsLinux() && Call(() => Prctl(SetThpDisable, 1, 0, 0, 0) == 0);

    /// <summary>Whether this process has opted out (for tests).</summary>
    public static bool DisabledForThisProcess() => OperatingSystem.IsLinux() && Call(() => Prctl(GetThpDisable, 0, 0, 0, 0) == 1);

    private static bool Call(Func<bool> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // a libc without prctl: nothing to turn off
        }
    }

    // DllImport rather than LibraryImport: the call passes integers only, needs no marshalling, and so no unsafe code.
    [DllImport("libc", EntryPoint = "prctl", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
