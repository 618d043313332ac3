using System.Buffers.Binary;
using System.Text;

namespace MLNet.SentenceEmbeddings.Native;

/// <summary>
/// Reads and edits the symbol-versioning sections of a 64-bit little-endian ELF shared library
/// (<c>.gnu.version_r</c>, <c>.gnu.version_d</c>, <c>.gnu.version</c>, relocations).
/// </summary>
/// <remarks>
/// Why this exists: TorchSharp 0.107's <c>libLibTorchSharp.so</c> is linked against GCC 13's libstdc++ and lists
/// <c>GLIBCXX_3.4.32</c> as a needed version, although no relocation binds a symbol of that version (the only such
/// symbol is the iostream-init marker <c>_ZSt21ios_base_library_initv</c>). Debian 12, Ubuntu 22.04 and the .NET SDK
/// images ship a libstdc++ that stops at 3.4.30, so the loader refuses the library. Marking such an entry
/// <c>VER_FLG_WEAK</c> makes ld.so accept its absence; we only do it when no relocation uses the version.
/// </remarks>
internal sealed class ElfVersionNeeds
{
    private const uint ShtRela = 4;
    private const uint ShtRel = 9;
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    internal const ushort VerFlgWeak = 0x2;

    private readonly byte[] _image;
    private readonly List<Section> _sections = new();

    /// <summary>One needed version (a <c>Vernaux</c> entry) and where its flags live in the file.</summary>
    internal sealed record Need(string File, string Version, ushort Flags, ushort Index, int FlagsOffset)
    {
        public bool IsWeak => (Flags & VerFlgWeak) != 0;
    }

    private readonly record struct Section(uint Type, long Offset, long Size, uint Link, uint Info, long EntSize);

    public ElfVersionNeeds(byte[] image, string fileNameForErrors)
    {
        _image = image;
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            throw new InvalidDataException($"{fileNameForErrors}: not an ELF file.");
        if (image[4] != 2 || image[5] != 1)
            throw new InvalidDataException($"{fileNameForErrors}: expected a 64-bit little-endian ELF file.");
        long shoff = I64(0x28);
        int shentsize = U16(0x3A), shnum = U16(0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (long)i * shentsize;
            _sections.Add(new Section(U32(h + 4), I64(h + 24), I64(h + 32), U32(h + 40), U32(h + 44), I64(h + 56)));
        }
    }

    public static ElfVersionNeeds Read(string path) => new(File.ReadAllBytes(path), path);

    public byte[] Image => _image;

    /// <summary>The versions this file needs, per needed library (the <c>.gnu.version_r</c> section).</summary>
    public IReadOnlyList<Need> Needs()
    {
        var result = new List<Need>();
        foreach (var s in _sections.Where(s => s.Type == ShtGnuVerneed))
        {
            var strtab = _sections[(int)s.Link];
            long vn = s.Offset;
            for (uint i = 0; i < s.Info; i++)
            {
                ushort cnt = U16(vn + 2);
                string file = Str(strtab, U32(vn + 4));
                long aux = vn + U32(vn + 8);
                for (int j = 0; j < cnt; j++)
                {
                    result.Add(new Need(file, Str(strtab, U32(aux + 8)), U16(aux + 4), U16(aux + 6), checked((int)(aux + 4))));
                    aux += U32(aux + 12);
                }
                vn += U32(vn + 12);
            }
        }
        return result;
    }

    /// <summary>The version names this file defines (the <c>.gnu.version_d</c> section), e.g. GLIBCXX_3.4.30.</summary>
    public IReadOnlySet<string> Definitions()
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in _sections.Where(s => s.Type == ShtGnuVerdef))
        {
            var strtab = _sections[(int)s.Link];
            long vd = s.Offset;
            for (uint i = 0; i < s.Info; i++)
            {
                ushort cnt = U16(vd + 4);
                long aux = vd + U32(vd + 12);
                if (cnt > 0) result.Add(Str(strtab, U32(aux)));
                vd += U32(vd + 16);
            }
        }
        return result;
    }

    /// <summary>
    /// Names of the undefined dynamic symbols that carry version <paramref name="versionIndex"/> and that some
    /// relocation binds. Marking such a version weak would leave those symbols unresolved, so it must be empty.
    /// </summary>
    public IReadOnlyList<string> RelocatedSymbolsOfVersion(ushort versionIndex)
    {
        var dynsymIndex = _sections.FindIndex(s => s.Type == ShtDynsym);
        var versym = _sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        if (dynsymIndex < 0 || versym.Size == 0) return Array.Empty<string>();
        var dynsym = _sections[dynsymIndex];
        var strtab = _sections[(int)dynsym.Link];
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rel in _sections.Where(s => (s.Type == ShtRela || s.Type == ShtRel) && s.Link == dynsymIndex))
        {
            long entSize = rel.EntSize > 0 ? rel.EntSize : (rel.Type == ShtRela ? 24 : 16);
            for (long off = rel.Offset; off + entSize <= rel.Offset + rel.Size; off += entSize)
            {
                long sym = (long)((ulong)I64(off + 8) >> 32);
                if (sym == 0) continue;
                ushort ver = (ushort)(U16(versym.Offset + sym * 2) & 0x7fff);
                if (ver != versionIndex) continue;
                long symOff = dynsym.Offset + sym * 24;
                used.Add(Str(strtab, U32(symOff)));
            }
        }
        return used.ToList();
    }

    /// <summary>Sets <c>VER_FLG_WEAK</c> on one needed-version entry, in memory.</summary>
    public void MarkWeak(Need need)
    {
        ushort flags = (ushort)(U16(need.FlagsOffset) | VerFlgWeak);
        BinaryPrimitives.WriteUInt16LittleEndian(_image.AsSpan(need.FlagsOffset), flags);
    }

    private ushort U16(long o) => BinaryPrimitives.ReadUInt16LittleEndian(_image.AsSpan(checked((int)o)));
    private uint U32(long o) => BinaryPrimitives.ReadUInt32LittleEndian(_image.AsSpan(checked((int)o)));
    private long I64(long o) => BinaryPrimitives.ReadInt64LittleEndian(_image.AsSpan(checked((int)o)));

    private string Str(Section strtab, uint index)
    {
        int start = checked((int)(strtab.Offset + index));
        int end = Array.IndexOf(_image, (byte)0, start);
        return Encoding.ASCII.GetString(_image, start, end - start);
    }
}
