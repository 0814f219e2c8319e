import { revocationListConformance } from '@keyward/core/testing'
import { MemoryRevocationList } from './memory-revocation-list.js'

revocationListConformance('MemoryRevocationList', () => ({ list: new MemoryRevocationList() }))
