"""What the build wrote, per family of outputs, for its report."""

from dataclasses import dataclass, field


@dataclass
class Tally:
    """Files and bytes written, per family of outputs (for the build's report)."""

    files: dict[str, int] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)

    def add(self, family: str, size: int) -> None:
        self.files[family] = self.files.get(family, 0) + 1
        self.bytes[family] = self.bytes.get(family, 0) + size

    def merge(self, other: "Tally") -> None:
        for family, files in other.files.items():
            self.files[family] = self.files.get(family, 0) + files
            self.bytes[family] = self.bytes.get(family, 0) + other.bytes[family]
