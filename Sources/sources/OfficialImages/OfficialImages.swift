// OfficialImages: see docs/architecture.md.
import TrackbotCore
