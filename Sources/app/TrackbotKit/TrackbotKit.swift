// TrackbotKit: see docs/architecture.md.
import TrackbotCore
