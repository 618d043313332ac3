using System.Runtime.InteropServices;

namespace MLNet.SentenceEmbeddings.Native;

/// <summary>
/// Owner, type and permission bits of a path without following a final symbolic link (lstat), which .NET does not
/// expose. Linux only: <c>statx</c> has the same struct layout on every architecture, unlike <c>stat</c>.
/// </summary>
internal readonly record struct UnixFileStatus(uint Uid, uint Mode)
{
    private const uint TypeMask = 0xF000, DirectoryType = 0x4000, RegularType = 0x8000, SymlinkType = 0xA000;

    public bool IsDirectory => (Mode & TypeMask) == DirectoryType;
    public bool IsRegularFile => (Mode & TypeMask) == RegularType;
    public bool IsSymbolicLink => (Mode & TypeMask) == SymlinkType;
    public UnixFileMode Permissions => (UnixFileMode)(Mode & 0xFFF);
    public bool WritableByOthers => (Permissions & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0;
    public bool Sticky => (Permissions & UnixFileMode.StickyBit) != 0;

    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1, StatxMode = 0x2, StatxUid = 0x8;
    private const int StatxSize = 256, UidOffset = 20, ModeOffset = 28;
    private const int NoSuchFile = 2;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern unsafe int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUserId => GetEuid();

    /// <summary>The status of <paramref name="path"/> itself (a link is reported as a link), or null when nothing is there.</summary>
    /// <exception cref="IOException">statx failed for another reason than a missing path.</exception>
    public static unsafe UnixFileStatus? Get(string path)
    {
        byte* buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxMode | StatxUid, buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == NoSuchFile) return null;
            throw new IOException($"{path}: cannot read its owner and permissions (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}).");
        }
        return new UnixFileStatus(*(uint*)(buffer + UidOffset), *(ushort*)(buffer + ModeOffset));
    }
}
