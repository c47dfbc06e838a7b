// GitMirror: see docs/architecture.md.
import TrackbotCore
