// Registry: see docs/architecture.md.
import TrackbotCore
