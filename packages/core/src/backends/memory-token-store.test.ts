import { tokenStoreConformance } from '@keyward/core/testing'
import { MemoryTokenStore } from './memory-token-store.js'

tokenStoreConformance('MemoryTokenStore', () => new MemoryTokenStore())
